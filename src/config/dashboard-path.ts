import { err, ok, type Result } from 'neverthrow';
import { invalidValue, type ConfigError } from './config-error.js';
import { DEFAULT_DASHBOARD_PATH } from './defaults.js';
import { isUnset } from './setting-readers.js';
import type { RawSettings } from './setting-keys.js';

// A path prefix: "/" alone, or segments without a trailing "/". Whitespace, "?" and "#"
// are refused because they would end the path part of a URL.
const DASHBOARD_PATH = /^\/$|^(\/[^/\s?#]+)+$/;

/**
 * Reads `DashboardPath`, the URL path the dashboard is served under.
 *
 * @returns {@link DEFAULT_DASHBOARD_PATH} ("/jobs") when unset; an `InvalidValue` error
 * for a non-string, a path not starting with "/", a trailing "/" (except "/" alone),
 * empty segments ("//"), whitespace, "?" or "#".
 */
export function readDashboardPath(raw: RawSettings): Result<string, ConfigError> {
  const value = raw.DashboardPath;
  if (isUnset(value)) return ok(DEFAULT_DASHBOARD_PATH);
  if (typeof value === 'string' && DASHBOARD_PATH.test(value)) return ok(value);
  return err(
    invalidValue(
      'DashboardPath',
      value,
      'expected a path starting with "/" and without a trailing "/" (e.g. "/jobs", or "/" alone), with no spaces, "?" or "#"',
    ),
  );
}
