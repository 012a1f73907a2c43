import { err, ok, type Result } from 'neverthrow';
import { invalidValue, type ConfigError } from './config-error.js';
import { DEFAULT_DASHBOARD_PATH } from './defaults.js';
import { isUnset } from './setting-readers.js';
import type { RawSettings } from './setting-keys.js';

// A path prefix: "/" alone, or segments without a trailing "/", each written as a browser
// requests it, since requests are matched as they arrive: the characters RFC 3986 allows
// in a path as they are (a browser percent-encodes the others, space, quotes, "<", non-ASCII
// letters, so such a dashboard would never answer), but not "." or ".." alone (a browser
// resolves them away), "%" (the matching does not decode) nor ";" (the anti-forgery cookie's
// Path attribute would end there and the rest become an attribute of its own).
const DASHBOARD_PATH = /^\/$|^(\/(?!\.\.?(?:\/|$))[A-Za-z0-9._~!$&'()*+,=:@-]+)+$/;

/**
 * Reads `DashboardPath`, the URL path the dashboard is served under.
 *
 * @returns {@link DEFAULT_DASHBOARD_PATH} ("/jobs") when unset; an `InvalidValue` error
 * for a non-string, a path not starting with "/", a trailing "/" (except "/" alone),
 * empty segments ("//"), "." or ".." segments, and characters other than ASCII letters,
 * digits and - . _ ~ ! $ & ' ( ) * + , = : @ (whitespace, "?", "#", "%", ";", quotes...).
 */
export function readDashboardPath(raw: RawSettings): Result<string, ConfigError> {
  const value = raw.DashboardPath;
  if (isUnset(value)) return ok(DEFAULT_DASHBOARD_PATH);
  if (typeof value === 'string' && DASHBOARD_PATH.test(value)) return ok(value);
  return err(
    invalidValue(
      'DashboardPath',
      value,
      'expected a path starting with "/" and without a trailing "/" (e.g. "/jobs", or "/" alone), of ASCII letters, digits and - . _ ~ ! $ & \' ( ) * + , = : @, with no "." or ".." segment',
    ),
  );
}
