import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { err, ok, Result } from 'neverthrow';
import { invalidFile, type ConfigError } from './config-error.js';
import { parseSettingsJson } from './settings-json.js';
import type { SettingsLayer } from './settings-layer.js';

const readText = Result.fromThrowable((path: string) => readFileSync(path, 'utf8'), (cause) => cause);
const listDirectory = Result.fromThrowable((dir: string) => readdirSync(dir), (cause) => cause);

function errorCode(cause: unknown): string | undefined {
  if (typeof cause !== 'object' || cause === null || !('code' in cause)) return undefined;
  return typeof cause.code === 'string' ? cause.code : undefined;
}

function cannotRead(path: string, cause: unknown): ConfigError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return invalidFile(path, `it cannot be read (${reason})`, cause);
}

// NODE_ENV is usually "development" while .NET names files appsettings.Development.json;
// on case-sensitive file systems look for the name in any letter case too.
function findInAnyCase(dir: string, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return listDirectory(dir).match(
    (entries) => {
      const found = entries.filter((entry) => entry.toLowerCase() === wanted).sort()[0];
      return found === undefined ? undefined : join(dir, found);
    },
    () => undefined, // Directory unreadable or absent: then the file is absent too.
  );
}

function readAt(path: string): Result<SettingsLayer, ConfigError> {
  return readText(path).match(
    (text) => parseSettingsJson(path, text),
    (cause) => err(cannotRead(path, cause)),
  );
}

/**
 * Reads the settings file `name` in directory `dir`; the name is matched in any letter
 * case when no file has exactly that name.
 *
 * @returns the file's settings, or `undefined` when there is no such file (settings
 * files are optional); `InvalidFile` when the file exists but cannot be read (also when
 * `dir` is not a directory), is not valid JSON, or has a section that is not an object.
 */
export function readSettingsFile(dir: string, name: string): Result<SettingsLayer | undefined, ConfigError> {
  const exact = join(dir, name);
  return readText(exact).match(
    (text): Result<SettingsLayer | undefined, ConfigError> => parseSettingsJson(exact, text),
    (cause) => {
      if (errorCode(cause) !== 'ENOENT') return err(cannotRead(exact, cause));
      const other = findInAnyCase(dir, name);
      return other === undefined ? ok(undefined) : readAt(other);
    },
  );
}
