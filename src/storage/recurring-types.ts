import type { ResultAsync } from 'neverthrow';
import type { Queryable } from './database.js';
import type { Invocation, JobId, StateName } from './job-types.js';

/** What to do with ticks missed while no server was running. */
export type MisfirePolicy = 'relaxed' | 'strict' | 'ignorable';

/** A recurring job definition, as the client writes it. */
export interface RecurringDefinition extends Invocation {
  readonly id: string;
  readonly cron: string;
  readonly timeZone: string;
  readonly queue: string;
  readonly displayName?: string | undefined;
  readonly misfire: MisfirePolicy;
  readonly skipIfRunning: boolean;
  /** The first tick to fire; computed by the caller from the cron expression. */
  readonly nextExecutionAt: Date | undefined;
}

/** How an update of a recurring definition treats the stored next execution. */
export interface UpsertRecurringOptions {
  /**
   * A stored next execution the caller replaces with the definition's, although
   * the cron expression and time zone are unchanged (which otherwise keep the
   * stored one): a retry time, which is no tick. Replaced only if it is still
   * the stored one when the row is written, so a tick a pass planned meanwhile
   * is kept.
   */
  readonly replacing?: Date | undefined;
}

/** A stored recurring job with its schedule state. */
export interface RecurringJob extends RecurringDefinition {
  readonly paused: boolean;
  readonly lastExecutionAt: Date | undefined;
  readonly lastJobId: JobId | undefined;
  readonly error: string | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A due definition, locked for the pass that hands it to a {@link DueRecurringHandler}. */
export interface DueRecurring {
  readonly definition: RecurringJob;
  /** The current state of the definition's last job; `undefined` when it has none or the job expired. */
  readonly lastJobState: StateName | undefined;
}

/** What a pass records for one due definition. */
export interface RecurringPassOutcome {
  /** The next tick to wait for; `undefined` when it never fires again. */
  readonly nextExecutionAt: Date | undefined;
  /** The job created for the latest tick; absent keeps the stored one. */
  readonly lastJobId?: JobId | undefined;
  /** When the pass fired it; absent keeps the stored one. */
  readonly lastExecutionAt?: Date | undefined;
  /** Why this pass created nothing (a skipped tick, a job type that no longer restores); absent clears the stored error. */
  readonly error?: string | undefined;
}

/**
 * Handles one due definition inside the pass's transaction: create its jobs
 * with `{ transaction }` and say how to advance it. An error value rolls the
 * whole pass back (nothing created, nothing advanced): return one only when
 * the transaction itself failed, and record job-level problems in `error`.
 */
export type DueRecurringHandler<E> = (due: DueRecurring, now: Date, transaction: Queryable) => ResultAsync<RecurringPassOutcome, E>;
