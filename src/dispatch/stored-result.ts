import { err, type Result } from 'neverthrow';
import { decodePayload, type CodecError } from '../jobs/payload-codec.js';
import type { JobId } from '../storage/job-types.js';
import { parseStoredJson } from '../storage/row-decoding.js';

/**
 * Decodes a job's stored response (JSON text written by the worker through
 * the payload codec) back into its value, Dates and bigints included. Text
 * that no longer decodes (a row edited by hand) is an error value naming the
 * job, never a throw.
 */
export function decodeStoredResult(text: string, jobId: JobId): Result<unknown, CodecError> {
  const path = `result of job ${jobId}`;
  const parsed = parseStoredJson(text);
  if (!parsed.ok) return err({ kind: 'Unserializable', path, message: `${path} cannot be read back: ${parsed.message}` });
  return decodePayload(parsed.value, path);
}
