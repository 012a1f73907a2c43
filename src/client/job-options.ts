import type { Queryable } from '../storage/database.js';
import type { ContinuationOption } from '../storage/job-types.js';

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
  /** Marks the job as a run of this recurring job (set by the recurring scheduler and `trigger`). */
  readonly recurringId?: string | undefined;
}

/** Options of `continueWith`. */
export interface ContinuationOptions extends EnqueueOptions {
  /** Which outcome of the parent releases the continuation; default `succeeded`. */
  readonly on?: ContinuationOption | undefined;
}

/** When a scheduled job runs: a delay in ms from now, or a moment. */
export type RunAt = number | Date;
