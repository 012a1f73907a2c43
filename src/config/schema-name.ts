import { err, ok, type Result } from 'neverthrow';
import { invalidValue, type ConfigError } from './config-error.js';
import { MAX_SCHEMA_NAME_BYTES } from './defaults.js';

// ASCII only on purpose: anything else would need quoting, and a name that needs
// quoting is where SQL injection through configuration would start.
const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks that a schema name is a plain SQL identifier, safe to interpolate into SQL:
 * a letter or underscore, then letters, digits or underscores, at most 63 bytes.
 * Quotes, spaces, semicolons and non-ASCII letters are refused, so a value like
 * `x"; drop table y; --` never reaches the database.
 *
 * @remarks PostgreSQL folds unquoted identifiers to lower case; storage decides whether
 * to quote, this only guarantees quoting is never needed for safety.
 * @returns the name unchanged, or an `InvalidValue` error for key `SchemaName`.
 */
export function validateSchemaName(name: string): Result<string, ConfigError> {
  if (!PLAIN_IDENTIFIER.test(name)) {
    return err(
      invalidValue(
        'SchemaName',
        name,
        'use a plain SQL identifier: a letter or "_" followed by letters, digits or "_" (ASCII only, no quotes, spaces or punctuation)',
      ),
    );
  }
  // The pattern is ASCII-only, so characters equal bytes here.
  if (name.length > MAX_SCHEMA_NAME_BYTES) {
    return err(
      invalidValue('SchemaName', name, `use at most ${MAX_SCHEMA_NAME_BYTES} characters (PostgreSQL's identifier limit)`),
    );
  }
  return ok(name);
}
