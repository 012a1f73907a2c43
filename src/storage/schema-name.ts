import { err, ok, type Result } from 'neverthrow';
import { ACCEPTED_SCHEMA_NAME, isPlainIdentifier } from '../config/names.js';
import { quoteForMessage } from './input-validation.js';
import type { StorageError } from './storage-error.js';

/** A schema name that passed validation, with its quoted form for SQL text. */
export interface SchemaName {
  readonly name: string;
  readonly quoted: string;
}

/**
 * Validates a schema name before any SQL is built from it. Values always go
 * through `$n` parameters; the schema name is the one identifier we put into
 * SQL text, so it must be a plain identifier, and it is quoted as well.
 */
export function parseSchemaName(name: unknown): Result<SchemaName, StorageError> {
  if (!isPlainIdentifier(name)) {
    return err({ kind: 'InvalidInput', operation: 'schema name', message: `Schema name ${quoteForMessage(name)} is refused: use ${ACCEPTED_SCHEMA_NAME}.` });
  }
  return ok({ name, quoted: `"${name}"` });
}
