import { err, ok, type Result } from 'neverthrow';
import type { StorageError } from './storage-error.js';

/** A plain SQL identifier: letters, digits and underscores, not starting with a digit, at most 63 bytes. */
const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

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
export function parseSchemaName(name: string): Result<SchemaName, StorageError> {
  if (!PLAIN_IDENTIFIER.test(name)) {
    return err({
      kind: 'InvalidInput',
      operation: 'schema name',
      message: `Schema name ${JSON.stringify(name)} is not a plain identifier: use letters, digits and underscores, not starting with a digit, at most 63 characters.`,
    });
  }
  return ok({ name, quoted: `"${name}"` });
}
