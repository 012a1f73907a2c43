import { err, ok, type Result } from 'neverthrow';
import { invalidValue, type ConfigError } from './config-error.js';
import { MAX_SERVER_NAME_LENGTH } from './defaults.js';
import { readOptionalString } from './setting-readers.js';
import type { RawSettings } from './setting-keys.js';

/**
 * Reads `ServerName`, the name this server shows in the dashboard and in heartbeats.
 *
 * @returns `undefined` when unset or `""` (the server then generates a unique name);
 * an `InvalidValue` error for a non-string, blank text, control characters, or more than 200 characters.
 */
export function readServerName(raw: RawSettings): Result<string | undefined, ConfigError> {
  return readOptionalString(raw, 'ServerName').andThen((name) => {
    if (name === undefined) return ok(undefined);
    if (name.trim() === '') return err(invalidValue('ServerName', name, 'expected a name with at least one visible character'));
    if (name.length > MAX_SERVER_NAME_LENGTH) {
      return err(invalidValue('ServerName', name, `use at most ${MAX_SERVER_NAME_LENGTH} characters`));
    }
    // Stored as text in the servers table and shown in logs: PostgreSQL refuses NUL, and control characters garble both.
    if ([...name].some((character) => character.charCodeAt(0) < 0x20 || character === '\u007f')) {
      return err(invalidValue('ServerName', name, 'use printable characters only (no control characters such as NUL or newlines)'));
    }
    return ok(name);
  });
}
