import type { Queryable } from '../storage/database.js';
import type { ContinuationOption, JobId } from '../storage/job-types.js';
import { optionNames } from '../client/option-names.js';

/**
 * Where and when a job created by `enqueue` / `dispatch` runs. One options
 * object for every kind of job: now (the default), later (`delay` or
 * `runAt`), or after another job (`continueFrom`).
 */
export interface JobEnqueueOptions {
  /** The queue; default `default`. */
  readonly queue?: string | undefined;
  /** Named values stored with the job, for filters and handlers (any storable value). */
  readonly parameters?: Readonly<Record<string, unknown>> | undefined;
  /**
   * The caller's own open transaction (a `pg` client after BEGIN, or a PGlite
   * transaction): the job exists, and workers hear of it, only if it commits.
   */
  readonly transaction?: Queryable | undefined;
  /** Run after this many ms (the job is Scheduled until then). Not with `runAt` or `continueFrom`. */
  readonly delay?: number | undefined;
  /** Run at this moment (the job is Scheduled until then). Not with `delay` or `continueFrom`. */
  readonly runAt?: Date | undefined;
  /** Run after this job finishes (the job is Awaiting until then); see `on`. */
  readonly continueFrom?: JobId | undefined;
  /** With `continueFrom`: which outcome of the parent releases the job; default `succeeded`. Otherwise the job is deleted. */
  readonly on?: ContinuationOption | undefined;
  /**
   * At most one job of this type (request type, or service and method)
   * with this key waits or runs at a time: while one does,
   * nothing is created and its id comes back (so `enqueueAwait` awaits that
   * job's outcome). Free again once it succeeded, failed or was deleted.
   */
  readonly uniqueKey?: string | undefined;
}

/** What `enqueue` / `dispatch` take; anything else a JavaScript caller gives is refused, not ignored. */
export const JOB_ENQUEUE_OPTION_NAMES = optionNames<JobEnqueueOptions>({
  queue: true, parameters: true, transaction: true, delay: true, runAt: true, continueFrom: true, on: true, uniqueKey: true,
});

/**
 * Options of `enqueueAwait` / `dispatchAwait`: where and when the job runs,
 * and how long to wait for it. No `transaction`: the job would not exist
 * for anyone until the caller commits, which it cannot do while it awaits.
 */
export interface EnqueueAwaitOptions extends Omit<JobEnqueueOptions, 'transaction'> {
  /** Stop waiting after this many ms (counted from when the job is stored) with `Timeout`; default: no limit. */
  readonly timeout?: number | undefined;
  /** Stop waiting with `Aborted` when aborted. Already aborted: nothing is created. */
  readonly signal?: AbortSignal | undefined;
}

/** What `enqueueAwait` / `dispatchAwait` take (a transaction is refused with its own explanation). */
export const ENQUEUE_AWAIT_OPTION_NAMES = optionNames<EnqueueAwaitOptions>({
  queue: true, parameters: true, delay: true, runAt: true, continueFrom: true, on: true, uniqueKey: true, timeout: true, signal: true,
});
