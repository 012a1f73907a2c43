/**
 * Why a configuration could not be loaded. Every variant carries a one-sentence
 * `message` naming the setting (or file), the offending value and what is accepted.
 *
 * - `InvalidValue`: wrong type, format or range (bare-number durations, "soon", zero...).
 * - `MissingValue`: a required setting is absent (PostgreSql without a connection string).
 * - `UnsupportedStorage`: `StorageTypeName` names a back-end mediator-jobs does not have.
 * - `InvalidFile`: a settings file is malformed JSON, its section is not an object, or
 *   it exists but cannot be read.
 *
 * `source`, when present, says where the value came from (file and section, environment
 * variable, or code overrides); `loadConfiguration` fills it in.
 */
export type ConfigError =
  | {
      readonly kind: 'InvalidValue';
      readonly key: string;
      readonly value: unknown;
      readonly message: string;
      readonly source?: string;
    }
  | { readonly kind: 'MissingValue'; readonly key: string; readonly message: string }
  | {
      readonly kind: 'UnsupportedStorage';
      readonly key: 'StorageTypeName';
      readonly value: unknown;
      readonly message: string;
      readonly source?: string;
    }
  | { readonly kind: 'InvalidFile'; readonly file: string; readonly message: string; readonly cause: unknown };

// Connection strings usually embed a password: never echo them into logs.
const SECRET_KEYS: ReadonlySet<string> = new Set(['StorageConnectionString']);
const MAX_SHOWN_VALUE_LENGTH = 120;

/** Renders a setting value for a message: JSON, shortened, secrets hidden. */
export function showValue(key: string, value: unknown): string {
  if (SECRET_KEYS.has(key) && typeof value === 'string') return '(value hidden)';
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value); // BigInt or cyclic: only reachable from code-given settings.
  }
  return shown.length > MAX_SHOWN_VALUE_LENGTH ? `${shown.slice(0, MAX_SHOWN_VALUE_LENGTH)}...` : shown;
}

/** Builds an `InvalidValue` error; `accepted` says what would have been valid. */
export function invalidValue(key: string, value: unknown, accepted: string): ConfigError {
  return { kind: 'InvalidValue', key, value, message: `${key} ${showValue(key, value)} is invalid: ${accepted}` };
}

/** Builds a `MissingValue` error; `advice` says how to provide the setting. */
export function missingValue(key: string, advice: string): ConfigError {
  return { kind: 'MissingValue', key, message: `${key} is missing: ${advice}` };
}

/** Builds an `UnsupportedStorage` error for `StorageTypeName`. */
export function unsupportedStorage(value: unknown, explanation: string): ConfigError {
  const message = `StorageTypeName ${showValue('StorageTypeName', value)} is not supported: ${explanation}`;
  return { kind: 'UnsupportedStorage', key: 'StorageTypeName', value, message };
}

/** Builds an `InvalidFile` error for the settings file at `file`. */
export function invalidFile(file: string, reason: string, cause: unknown): ConfigError {
  return { kind: 'InvalidFile', file, message: `Settings file ${file} is invalid: ${reason}`, cause };
}

/** Adds where a bad value came from to an error about a value; other errors pass through. */
export function withSource(error: ConfigError, source: string | undefined): ConfigError {
  if (source === undefined) return error;
  if (error.kind !== 'InvalidValue' && error.kind !== 'UnsupportedStorage') return error;
  return { ...error, source, message: `${error.message} (set by ${source})` };
}

/** One-line description of a configuration error, e.g. for a log line or a CLI. */
export function formatConfigError(error: ConfigError): string {
  return `${error.kind}: ${error.message}`.replace(/\s*[\r\n]+\s*/g, ' ');
}
