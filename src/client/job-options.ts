import type { Queryable } from '../storage/database.js';
import type { ContinuationOption } from '../storage/job-types.js';
import { optionNames } from './option-names.js';

/** Options of `enqueue` (and the base of the others). */
export interface EnqueueOptions {
  /** The queue; default: the client's default queue ("default"). */
  readonly queue?: string | undefined;
  /** Named values stored with the job, for filters and handlers (any storable value). */
  readonly parameters?: Readonly<Record<string, unknown>> | undefined;
  /**
   * The caller's own open transaction (a `pg` client after BEGIN, or a PGlite
   * transaction): the job exists, and workers hear of it, only if it commits.
   */
  readonly transaction?: Queryable | undefined;
  /**
   * At most one job of this type with this key waits or runs at a time
   * (pg-boss's singletonKey, BullMQ's job id). While a job of the same
   * request type (or job service and method) with the key is Enqueued,
   * Scheduled (a retry included), Awaiting or Processing, creating another
   * creates nothing and answers that job's id; its client filters'
   * `onCreating` still run, `onCreated` does not. Once the job has succeeded,
   * failed or been deleted, the key is free. 1 to 200 printable characters.
   * Not for `enqueueBatch` nor recurring jobs: given there (by JavaScript
   * callers), it is refused as `InvalidOptions`.
   */
  readonly uniqueKey?: string | undefined;
  /** Marks the job as a run of this recurring job (set by the recurring scheduler and `trigger`). */
  readonly recurringId?: string | undefined;
}

/** What `enqueue` and `schedule` take; anything else a JavaScript caller gives is refused, not ignored. */
export const ENQUEUE_OPTION_NAMES = optionNames<EnqueueOptions>({ queue: true, parameters: true, transaction: true, uniqueKey: true, recurringId: true });

/**
 * What an `enqueueBatch` entry takes: a transaction or unique key there is
 * refused before this, each with its own explanation.
 */
export const BATCH_ENTRY_OPTION_NAMES = optionNames<Omit<EnqueueOptions, 'transaction' | 'uniqueKey'>>({ queue: true, parameters: true, recurringId: true });

/** Options of `continueWith`. */
export interface ContinuationOptions extends EnqueueOptions {
  /** Which outcome of the parent releases the continuation; default `succeeded`. */
  readonly on?: ContinuationOption | undefined;
}

/** When a scheduled job runs: a delay in ms from now, or a moment. */
export type RunAt = number | Date;

/** What `continueWith` takes. */
export const CONTINUATION_OPTION_NAMES = optionNames<ContinuationOptions>({ queue: true, parameters: true, transaction: true, uniqueKey: true, recurringId: true, on: true });
