import { requestTypeNameOf } from './request-type-name.js';
import type { AnyRequest } from './request.js';

/**
 * How a request is shown in logs and on the dashboard: its own `toString()`
 * when its class (or a base below `Request`) defines one, as BoltOn's
 * requests do for Hangfire's dashboard; else its stable type name. A
 * `toString` that throws or returns an empty string falls back to the type name.
 */
export function displayNameOf(request: AnyRequest): string {
  const typeName = requestTypeNameOf(request);
  if (request.toString === Object.prototype.toString) return typeName;
  try {
    // Checked above: this class defines its own toString.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    const shown = request.toString();
    return typeof shown === 'string' && shown !== '' ? shown : typeName;
  } catch {
    // A broken toString is the request author's bug; the type name still identifies the job.
    return typeName;
  }
}
