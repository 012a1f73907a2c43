// Readers for one setting each: they take the raw (unvalidated) settings and return the
// typed value, the default when the setting is absent, or an InvalidValue error.
import { err, ok, type Result } from 'neverthrow';
import { invalidValue, type ConfigError } from './config-error.js';
import { ACCEPTED_DURATION_FORMATS, parseDuration } from './duration.js';
import type { RawSettings, SettingKey } from './setting-keys.js';

/**
 * Whether a setting counts as not given: absent, or `null` (a JSON `null` means
 * "no value here", so the lower layer's value or the default applies).
 */
export function isUnset(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/**
 * Reads a duration setting as milliseconds.
 *
 * @param maxMs - upper bound (ms); used for intervals that drive a timer.
 * @returns `defaultMs` when unset; an `InvalidValue` error for bare numbers (JSON or
 * string), unknown formats, zero, negative, or more than `maxMs`.
 */
export function readDuration(
  raw: RawSettings,
  key: SettingKey,
  defaultMs: number,
  maxMs: number = Number.MAX_SAFE_INTEGER,
): Result<number, ConfigError> {
  const value = raw[key];
  if (isUnset(value)) return ok(defaultMs);
  // A JSON number gets the same "bare number" advice as the string "1" would.
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
  if (text === undefined) return err(invalidValue(key, value, `expected a duration string; ${ACCEPTED_DURATION_FORMATS}`));
  return parseDuration(text)
    .mapErr((reason) => invalidValue(key, value, reason))
    .andThen((ms) =>
      ms <= maxMs
        ? ok(ms)
        : err(invalidValue(key, value, `use at most ${maxMs}ms (about ${Math.floor(maxMs / 86_400_000)} days), the longest delay Node timers support`)),
    );
}

/**
 * Reads a whole-number setting given as a JSON number or a decimal string.
 *
 * @returns `defaultValue` when unset; an `InvalidValue` error for non-integers
 * (`"lots"`, `1.5`) and for values outside `min..max` (inclusive).
 */
export function readInteger(
  raw: RawSettings,
  key: SettingKey,
  defaultValue: number,
  min: number,
  max: number,
): Result<number, ConfigError> {
  const value = raw[key];
  if (isUnset(value)) return ok(defaultValue);
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    return err(invalidValue(key, value, `expected a whole number from ${min} to ${max}`));
  }
  return ok(n);
}

/**
 * Reads a boolean setting given as JSON `true`/`false` or the strings "true"/"false"
 * in any letter case (as .NET's bool.Parse).
 *
 * @returns `defaultValue` when unset; an `InvalidValue` error for anything else ("maybe", 1).
 */
export function readBoolean(raw: RawSettings, key: SettingKey, defaultValue: boolean): Result<boolean, ConfigError> {
  const value = raw[key];
  if (isUnset(value)) return ok(defaultValue);
  if (typeof value === 'boolean') return ok(value);
  const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (text === 'true') return ok(true);
  if (text === 'false') return ok(false);
  return err(invalidValue(key, value, 'expected true or false'));
}

/**
 * Reads an optional string setting.
 *
 * @returns `undefined` when unset or empty (appsettings templates often hold `""` for
 * "not configured"); an `InvalidValue` error for non-strings.
 */
export function readOptionalString(raw: RawSettings, key: SettingKey): Result<string | undefined, ConfigError> {
  const value = raw[key];
  if (isUnset(value) || value === '') return ok(undefined);
  if (typeof value !== 'string') return err(invalidValue(key, value, 'expected a string'));
  return ok(value);
}
