import { err, ok, type Result } from 'neverthrow';
import { invalidValue, type ConfigError } from './config-error.js';
import { ACCEPTED_SCHEMA_NAME, isPlainIdentifier } from './names.js';

/**
 * Checks that a schema name is a plain SQL identifier, safe to interpolate into SQL:
 * a letter or underscore, then letters, digits or underscores, at most 63 bytes.
 * Quotes, spaces, semicolons and non-ASCII letters are refused, so a value like
 * `x"; drop table y; --` never reaches the database.
 *
 * @returns the name unchanged, or an `InvalidValue` error for key `SchemaName`.
 */
export function validateSchemaName(name: string): Result<string, ConfigError> {
  return isPlainIdentifier(name) ? ok(name) : err(invalidValue('SchemaName', name, `use ${ACCEPTED_SCHEMA_NAME}`));
}
