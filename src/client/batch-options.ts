import { err, ok, type Result } from 'neverthrow';
import type { JobError } from '../jobs/job-error.js';
import { describeError } from '../logging/logger.js';

/** The only option a batch takes as a whole: one transaction for all its jobs. */
const BATCH_WIDE_OPTIONS: readonly string[] = ['transaction'];

/** Where what a JavaScript caller puts beside `transaction` belongs instead. */
const WHERE_PER_JOB_OPTIONS_GO = 'per-job options (queue, parameters...) go in { job, options } entries, e.g. enqueueBatch([{ job, options: { queue: "critical" } }])';

/**
 * Checks `enqueueBatch`'s second argument. The types allow only `transaction`;
 * a JavaScript caller's `queue` or `parameters` there would otherwise be
 * dropped without a word, every job landing in the default queue.
 * (`uniqueKey` is refused before this, with its own explanation.)
 */
export function checkBatchOptions(options: unknown): Result<void, JobError> {
  if (options === undefined || options === null) return ok(undefined);
  if (typeof options !== 'object' || Array.isArray(options)) {
    return err({ kind: 'InvalidOptions', message: `enqueueBatch takes { transaction } as its second argument, not ${Array.isArray(options) ? 'a list' : `a ${typeof options}`}; ${WHERE_PER_JOB_OPTIONS_GO}.` });
  }
  let unknown: string[];
  try {
    // An option set to undefined says nothing, so it loses nothing.
    unknown = Object.entries(options).filter(([name, value]) => value !== undefined && !BATCH_WIDE_OPTIONS.includes(name)).map(([name]) => name);
  } catch (error) {
    return err({ kind: 'InvalidOptions', message: `enqueueBatch's options could not be read: ${describeError(error)}.` });
  }
  if (unknown.length === 0) return ok(undefined);
  const names = unknown.map((name) => JSON.stringify(name)).join(', ');
  return err({ kind: 'InvalidOptions', message: `enqueueBatch does not take ${names} for the whole batch: its second argument takes only transaction; ${WHERE_PER_JOB_OPTIONS_GO}.` });
}

/**
 * Checks an entry's options for `transaction`, which the types leave out: the
 * batch is one statement, so its jobs share the transaction given as the
 * batch's second argument; one given per entry would be silently ignored and
 * the job created outside it.
 */
export function checkEntryOptions(options: unknown): Result<void, JobError> {
  let transaction: unknown;
  try {
    transaction = typeof options === 'object' && options !== null ? (options as { readonly transaction?: unknown }).transaction : undefined;
  } catch (error) {
    return err({ kind: 'InvalidOptions', message: `The options of an enqueueBatch entry could not be read: ${describeError(error)}.` });
  }
  if (transaction === undefined || transaction === null) return ok(undefined);
  return err({ kind: 'InvalidOptions', message: 'An enqueueBatch entry does not take transaction: the whole batch is one statement, so give the transaction once, as the second argument: enqueueBatch(entries, { transaction }).' });
}
