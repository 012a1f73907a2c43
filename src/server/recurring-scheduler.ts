import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { BackgroundJobClient } from '../client/background-job-client.js';
import type { JobError } from '../jobs/job-error.js';
import type { JobCatalog } from '../jobs/job-invocation.js';
import type { Logger } from '../logging/logger.js';
import { checkSchedule, isOccurrence, nextOccurrence, planTicks, type NextOccurrence } from '../recurring/cron-schedule.js';
import { RECURRING_JOB_ID_PARAMETER, RECURRING_TICK_PARAMETER, restoreJob } from '../recurring/recurring-run.js';
import type { Queryable } from '../storage/database.js';
import type { JobStorage } from '../storage/job-storage.js';
import { FINAL_STATES } from '../storage/job-types.js';
import type { DueRecurring, RecurringPassOutcome } from '../storage/recurring-types.js';
import { formatStorageError, type StorageError } from '../storage/storage-error.js';
import type { ServerProcess } from './server-process.js';
import { StuckRunWarnings } from './stuck-run-warnings.js';

/** The longest the scheduler sleeps between passes, in ms (it wakes earlier for a tick due sooner). */
export const DEFAULT_RECURRING_POLL_INTERVAL_MS = 1000;

/** Most definitions one pass (one transaction) handles. */
export const DEFAULT_RECURRING_BATCH_SIZE = 100;

/**
 * How long to wait, in ms, when a definition is due but this pass did not get
 * it: another server holds it and is firing it now.
 */
export const RECURRING_BUSY_RETRY_MS = 50;

/**
 * How long to wait, in ms, before computing a definition's next tick again
 * when it could not be computed (the cron library failed on a valid
 * schedule): the definition is retried then, never left without a next tick.
 */
export const NEXT_TICK_RETRY_MS = 60 * 60 * 1000;

/**
 * Starts the `error` recorded when no next tick could be computed. Only a
 * message for people: the scheduler tells the retry time from a tick by the
 * time itself (it lies off the cron's grid), never by reading this text.
 */
export const NO_NEXT_TICK_ERROR = 'No next tick could be computed';

/** Options of the recurring scheduler. */
export interface RecurringSchedulerOptions {
  /** The longest sleep between passes, in ms; default {@link DEFAULT_RECURRING_POLL_INTERVAL_MS}. */
  readonly pollIntervalMs?: number | undefined;
  /** The clock ticks are planned on; default the database's `now()`, so servers with skewed clocks agree. */
  readonly now?: (() => Date) | undefined;
  /** Most definitions per pass; default {@link DEFAULT_RECURRING_BATCH_SIZE}. */
  readonly batchSize?: number | undefined;
  /** How the next tick is computed; default `nextOccurrence` (a test gives one that fails). */
  readonly nextOccurrence?: NextOccurrence | undefined;
}

/**
 * Hangfire's recurring job scheduler, as one server process: each pass locks
 * the due definitions, creates their runs and advances their schedule in one
 * transaction, so every tick fires once however many servers run it (the
 * at-least-once checkpoint is the commit: runs and the advanced schedule
 * become visible together or not at all).
 *
 * Per definition: a stored job that no longer restores (its type was
 * removed), or a schedule damaged by hand, is recorded in the definition's
 * `error` and its schedule moved on, so it never blocks the others or spins;
 * a valid schedule whose next tick cannot be computed is logged as an error,
 * noted in `error` and tried again {@link NEXT_TICK_RETRY_MS} later (never
 * left without a next execution, which would stop it without a word); a
 * stored next execution off the cron's grid (such a retry time, or a time
 * edited by hand) is not a tick: it wakes the definition, which then plans
 * the ticks after it was last run, at most {@link NEXT_TICK_RETRY_MS} back;
 * with `skipIfRunning`, a tick while the last run is not final is skipped
 * (noted in `error`, and logged at warn once per such run, then at info, since
 * a run stuck there would stop the definition for good); otherwise the misfire policy decides the runs
 * (`planTicks`), each enqueued with the parameters `RecurringJobId` and
 * `RecurringTick`.
 */
export class RecurringScheduler implements ServerProcess {
  readonly name = 'Recurring scheduler';
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly now: (() => Date) | undefined;
  private readonly nextOccurrence: NextOccurrence;
  private readonly stuckRuns = new StuckRunWarnings();

  constructor(
    private readonly storage: JobStorage,
    private readonly client: BackgroundJobClient,
    private readonly catalog: JobCatalog,
    private readonly logger: Logger,
    options: RecurringSchedulerOptions = {},
  ) {
    this.pollIntervalMs = positiveOr(options.pollIntervalMs, DEFAULT_RECURRING_POLL_INTERVAL_MS);
    this.batchSize = Math.trunc(positiveOr(options.batchSize, DEFAULT_RECURRING_BATCH_SIZE)) || 1;
    this.now = options.now;
    this.nextOccurrence = options.nextOccurrence ?? nextOccurrence;
  }

  /** One pass; resolves with the ms until the soonest due definition, capped by the poll interval (0: more is due now). */
  runOnce(signal: AbortSignal): ResultAsync<number, { readonly message: string }> {
    if (signal.aborted) return okAsync(this.pollIntervalMs);
    const now = this.now?.();
    let behind = false;
    return this.storage
      .processDueRecurring<JobError>(this.batchSize, (due, clock, transaction) =>
        this.fire(due, clock, transaction).map((outcome) => {
          // A capped strict catch-up leaves its next tick due: come straight back for it.
          if (outcome.nextExecutionAt !== undefined && outcome.nextExecutionAt.getTime() <= clock.getTime()) behind = true;
          return outcome;
        }), { now })
      .mapErr((error) => ({ message: `recurring pass failed: ${messageOf(error)}` }))
      .andThen((handled) => {
        if (handled >= this.batchSize || behind) return okAsync(0);
        return this.storage
          .recurringDueInMs(now)
          .mapErr((error) => ({ message: `reading the next recurring tick failed: ${formatStorageError(error)}` }))
          .map((dueIn) => this.delayFor(dueIn));
      });
  }

  private delayFor(dueInMs: number | undefined): number {
    if (dueInMs === undefined) return this.pollIntervalMs;
    // Due already, yet not handled by this pass: another server holds it; look again shortly.
    if (dueInMs <= 0) return Math.min(RECURRING_BUSY_RETRY_MS, this.pollIntervalMs);
    return Math.min(Math.ceil(dueInMs), this.pollIntervalMs);
  }

  /**
   * Handles one due definition inside the pass's transaction. An error value
   * is returned only when the database failed (the transaction is unusable,
   * so the whole pass rolls back and is retried); anything wrong with this
   * one definition is recorded in its `error` instead.
   */
  private fire(due: DueRecurring, now: Date, transaction: Queryable): ResultAsync<RecurringPassOutcome, JobError> {
    let definition = due.definition;
    const fields = { recurringJobId: definition.id };
    const schedule = checkSchedule(definition.cron, definition.timeZone);
    if (schedule.isErr()) {
      // Never due again until addOrUpdate stores a valid schedule.
      this.logger.error(`Recurring job ${definition.id} has an invalid schedule and is stopped: ${schedule.error.message}`, fields);
      return okAsync({ nextExecutionAt: undefined, error: schedule.error.message });
    }
    const stored = definition.nextExecutionAt;
    if (stored !== undefined && !isOccurrence(definition.cron, definition.timeZone, stored)) {
      // Off the grid, so not a tick to fire: a retry of a failed computation (retryNextTick), or a time edited by hand.
      const first = this.nextOccurrence(definition.cron, definition.timeZone, ticksAfter(stored, definition.lastExecutionAt));
      if (first === undefined) return okAsync(this.retryNextTick(definition, now));
      if (first.getTime() > now.getTime()) return okAsync({ nextExecutionAt: first });
      definition = { ...definition, nextExecutionAt: first };
    }
    const plan = planTicks(definition, now, definition.misfire, this.nextOccurrence);
    // A valid schedule always has future ticks (addOrUpdate refuses one without): none means the computation failed.
    const retry = plan.nextExecutionAt === undefined ? this.retryNextTick(definition, now) : undefined;
    const outcome = (decided: RecurringPassOutcome): RecurringPassOutcome =>
      retry === undefined ? decided : { ...decided, nextExecutionAt: retry.nextExecutionAt, error: decided.error === undefined ? retry.error : `${retry.error} ${decided.error}` };
    const job = restoreJob(definition, this.catalog);
    if (job.isErr()) {
      // decodeRecurring reports a payload that no longer parses in `error` with a null payload: that is the better message.
      const message = definition.payload === null && definition.error !== undefined ? definition.error : job.error.message;
      this.logger.error(`Recurring job ${definition.id} cannot be restored, so its tick is skipped: ${message}`, fields);
      return okAsync(outcome({ nextExecutionAt: plan.nextExecutionAt, error: `Cannot restore the job: ${message}` }));
    }
    if (plan.fireAt.length === 0) {
      this.logger.debug(`Recurring job ${definition.id}: tick more than a minute late skipped (misfire policy ${definition.misfire})`, fields);
      return okAsync(outcome({ nextExecutionAt: plan.nextExecutionAt }));
    }
    if (definition.skipIfRunning && due.lastJobState !== undefined && !FINAL_STATES.includes(due.lastJobState)) {
      const note = `Skipped the tick of ${plan.fireAt.at(-1)!.toISOString()}: the last run (job ${definition.lastJobId}) is still ${due.lastJobState}.`;
      if (this.stuckRuns.firstSkip(definition.id, definition.lastJobId)) {
        // A run that never reaches a final state skips every tick from now on: say so where it is seen.
        const why = `Its ticks are skipped until that run is final; if it is stuck, delete or requeue it (further skips for it are logged at info).`;
        this.logger.warn(`Recurring job ${definition.id}: ${note} ${why}`, { ...fields, jobId: definition.lastJobId, state: due.lastJobState });
      } else {
        this.logger.info(`Recurring job ${definition.id}: ${note}`, fields);
      }
      return okAsync(outcome({ nextExecutionAt: plan.nextExecutionAt, error: note }));
    }
    this.stuckRuns.forget(definition.id);
    const runs = plan.fireAt.map((tick) => ({
      job: job.value,
      options: { queue: definition.queue, recurringId: definition.id, parameters: { [RECURRING_JOB_ID_PARAMETER]: definition.id, [RECURRING_TICK_PARAMETER]: tick.toISOString() } },
    }));
    // One statement for every run of this definition (a strict catch-up may fire many).
    return this.client
      .enqueueBatch(runs, { transaction })
      .map((ids) => outcome({ nextExecutionAt: plan.nextExecutionAt, lastJobId: ids.at(-1), lastExecutionAt: now }))
      .orElse((error) => {
        if (error.kind === 'StorageFailed') return errAsync(error);
        // Refused before reaching the database (a filter canceled or failed, a bad queue): record it and move on.
        this.logger.warn(`Recurring job ${definition.id} could not create its run: ${error.message}`, fields);
        return okAsync(outcome({ nextExecutionAt: plan.nextExecutionAt, error: error.message }));
      });
  }

  /**
   * No next tick could be computed for a valid schedule: said as an error,
   * recorded in the definition's `error`, and tried again in
   * {@link NEXT_TICK_RETRY_MS}, rather than storing no next execution (which
   * would stop the definition for good, without a word).
   */
  private retryNextTick(definition: { readonly id: string; readonly cron: string; readonly timeZone: string }, now: Date): { nextExecutionAt: Date; error: string } {
    // The retry is told from a tick by lying off the grid; ticks are whole seconds, so one on a whole second moves 1 ms on.
    const later = now.getTime() + NEXT_TICK_RETRY_MS;
    const retryAt = new Date(later % 1000 === 0 ? later + 1 : later);
    const error = `${NO_NEXT_TICK_ERROR} after ${now.toISOString()} for ${JSON.stringify(definition.cron)} in ${definition.timeZone}; trying again at ${retryAt.toISOString()}.`;
    this.logger.error(`Recurring job ${definition.id}: ${error}`, { recurringJobId: definition.id });
    return { nextExecutionAt: retryAt, error };
  }
}

/**
 * Where the ticks of a definition woken off the grid start (exclusive): after
 * the failure a retry time stands for ({@link NEXT_TICK_RETRY_MS} before it),
 * but never at or before its last run, so a time edited by hand less than
 * that after a run does not fire a tick again.
 */
function ticksAfter(offGrid: Date, lastExecutionAt: Date | undefined): Date {
  const failure = offGrid.getTime() - NEXT_TICK_RETRY_MS;
  return new Date(lastExecutionAt === undefined ? failure : Math.max(failure, lastExecutionAt.getTime()));
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function messageOf(error: StorageError | JobError): string {
  return 'message' in error ? error.message : formatStorageError(error);
}
