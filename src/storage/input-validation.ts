import { err, ok, type Result } from 'neverthrow';
import type { JobId } from './job-types.js';
import { ACCEPTED_QUEUE_NAME, isQueueName } from '../config/names.js';
import type { StorageError } from './storage-error.js';

/**
 * A value as it appears in an error message: JSON-quoted, cut at 80 characters.
 * Never throws, whatever the caller passed (a bigint, a symbol, an object
 * without a prototype that String() cannot convert).
 */
export function quoteForMessage(value: unknown): string {
  const text = convertedText(value);
  return (text === undefined ? Object.prototype.toString.call(value) : JSON.stringify(text)).slice(0, 80);
}

/** A value as text for an error message, unquoted; never throws (see quoteForMessage). */
export function textForMessage(value: unknown): string {
  return convertedText(value) ?? Object.prototype.toString.call(value);
}

/** String(value), or undefined where String() throws (an object without a prototype, say). */
function convertedText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return undefined;
  }
}

const JOB_ID_PATTERN = /^[1-9][0-9]{0,18}$/;
const MAX_BIGINT = 9223372036854775807n;

/** Accepts only strings that can be a job id (a positive bigint), so bad ids never reach SQL. */
export function parseJobId(jobId: unknown, operation: string): Result<JobId, StorageError> {
  if (typeof jobId === 'string' && JOB_ID_PATTERN.test(jobId) && BigInt(jobId) <= MAX_BIGINT) return ok(jobId);
  return err({ kind: 'InvalidInput', operation, message: `${quoteForMessage(jobId)} is not a job id: job ids are positive whole numbers, as strings.` });
}

export function checkQueueName(queue: unknown, operation: string): Result<string, StorageError> {
  if (isQueueName(queue)) return ok(queue);
  return err({ kind: 'InvalidInput', operation, message: `Queue name ${quoteForMessage(queue)} is refused: ${ACCEPTED_QUEUE_NAME}.` });
}

/** JSON text of a value, or an error value for what JSON cannot hold (cycles, bigint, functions at top level). */
export function toJsonText(value: unknown, operation: string): Result<string, StorageError> {
  try {
    const text = JSON.stringify(value);
    if (typeof text !== 'string') return err({ kind: 'InvalidInput', operation, message: `${operation}: a ${typeof value} cannot be stored as JSON.` });
    return ok(text);
  } catch (error) {
    return err({ kind: 'InvalidInput', operation, message: `${operation}: value cannot be stored as JSON: ${error instanceof Error ? error.message : String(error)}` });
  }
}

/**
 * Names of parameters, recurring jobs and unique keys: non-empty, at most 200
 * characters, no control characters (C0, DEL or C1), and well-formed (no lone surrogate: the
 * database stores one as U+FFFD, so "k\uD800" and "k\uDC00" would be one key,
 * one recurring job, one parameter).
 */
export function checkName(name: unknown, what: string, operation: string): Result<string, StorageError> {
  // eslint-disable-next-line no-control-regex
  if (typeof name === 'string' && name.length > 0 && name.length <= 200 && !/[\u0000-\u001f\u007f-\u009f]/.test(name) && name.isWellFormed()) return ok(name);
  return err({ kind: 'InvalidInput', operation, message: `${what} ${quoteForMessage(name)} is invalid: use 1 to 200 printable characters.` });
}
