import { err, errAsync, ok, okAsync, type Result, type ResultAsync } from 'neverthrow';
import { fromStorageError, recurringJobNotFound, type JobError } from '../jobs/job-error.js';
import { toStoredInvocation, type Job, type JobCatalog } from '../jobs/job-invocation.js';
import { checkSchedule, isOccurrence, nextOccurrence, type CronSchedule } from '../recurring/cron-schedule.js';
import { RECURRING_JOB_ID_PARAMETER, restoreJob } from '../recurring/recurring-run.js';
import { quoteForMessage } from '../storage/input-validation.js';
import type { JobStorage } from '../storage/job-storage.js';
import type { JobId } from '../storage/job-types.js';
import type { MisfirePolicy, RecurringDefinition, RecurringJob } from '../storage/recurring-types.js';
import { DEFAULT_QUEUE, type BackgroundJobClient } from './background-job-client.js';
import { givesUniqueKey, uniqueKeyNotTaken } from './unique-key-option.js';
import { checkOptionNames, optionNames } from './option-names.js';

/** The time zone a recurring job's cron expression is read in when none is given. */
export const DEFAULT_RECURRING_TIME_ZONE = 'UTC';

/** What happens to ticks missed while no server ran, when nothing is said (see `planTicks`). */
export const DEFAULT_MISFIRE_POLICY: MisfirePolicy = 'relaxed';

const MISFIRE_POLICIES: readonly MisfirePolicy[] = ['relaxed', 'strict', 'ignorable'];

/** Options of `addOrUpdate`. */
export interface RecurringJobOptions {
  /** IANA time zone the cron expression is read in; default `UTC`. */
  readonly timeZone?: string | undefined;
  /** The queue every run goes to; default: the manager's default queue (`default`). */
  readonly queue?: string | undefined;
  /**
   * Missed ticks (no server was running): `relaxed` (default) runs once for
   * all of them; `strict` runs once per missed tick (at most 1,000 per
   * scheduler pass, the rest in the following passes); `ignorable` skips a
   * tick more than a minute late.
   */
  readonly misfire?: MisfirePolicy | undefined;
  /** Skip a tick while the previous run has not reached a final state (Succeeded, Failed, Deleted); default false. */
  readonly skipIfRunning?: boolean | undefined;
}

/** What `addOrUpdate` takes; anything else a JavaScript caller gives is refused, not ignored. */
const RECURRING_OPTION_NAMES = optionNames<RecurringJobOptions>({ timeZone: true, queue: true, misfire: true, skipIfRunning: true });

/** Options of the manager itself. */
export interface RecurringJobManagerOptions {
  /** The queue of definitions that name none; default `default`. */
  readonly defaultQueue?: string | undefined;
  /**
   * The clock first ticks are computed from (on add and resume); default the
   * database's `now()`, read once per call: the recurring scheduler decides
   * what is due by that clock, so a local clock ahead of it would plan a
   * first tick late (behind it, one already due).
   */
  readonly now?: (() => Date) | undefined;
}

/**
 * Defines recurring jobs (Hangfire's RecurringJobManager): a job run on a cron
 * schedule by the recurring scheduler of whichever server gets there first.
 * Every call returns a `ResultAsync`; a definition that could never run (bad
 * cron expression or time zone, unregistered job type, unstorable payload) is
 * refused here, before anything is stored.
 */
export class RecurringJobManager {
  private readonly defaultQueue: string;
  private readonly now: (() => Date) | undefined;

  constructor(
    private readonly storage: JobStorage,
    private readonly client: BackgroundJobClient,
    private readonly catalog: JobCatalog,
    options: RecurringJobManagerOptions = {},
  ) {
    this.defaultQueue = options.defaultQueue ?? DEFAULT_QUEUE;
    this.now = options.now;
  }

  /**
   * Creates or replaces the definition `id`. The next tick is the first
   * occurrence after now, except that an update keeping the cron expression
   * and time zone keeps the tick already planned (so an update does not lose
   * a tick that is due). A stored next execution off the grid is no tick (a
   * retry after a failed computation, or a hand edit) and is not kept. A
   * paused definition stays paused.
   *
   * Errors: `InvalidCron`, `InvalidTimeZone`, `UnknownRequestType`,
   * `UnknownService`, `Unserializable`, `InvalidOptions` (an invalid id, queue
   * or misfire policy, an option it does not take, or a uniqueKey, which
   * recurring jobs do not take), `StorageFailed`.
   */
  addOrUpdate(id: string, job: Job, cron: string, options: RecurringJobOptions = {}): ResultAsync<void, JobError> {
    const checked = this.check(job, cron, options ?? {});
    if (checked.isErr()) return errAsync(checked.error);
    const { schedule, definition } = checked.value;
    return this.storage
      .getRecurring(id)
      .mapErr(fromStorageError)
      .andThen((existing) => {
        // The storage makes the same choice again on the row it locks (a pass may fire the tick after this read).
        const planned = existing !== undefined && existing.cron === schedule.cron && existing.timeZone === schedule.timeZone ? existing.nextExecutionAt : undefined;
        // Off the grid, the stored time would fire once at an odd moment: replaced (only if still stored) by the next tick.
        const replacing = planned !== undefined && !isOccurrence(schedule.cron, schedule.timeZone, planned) ? planned : undefined;
        const kept = replacing === undefined ? planned : undefined;
        return (kept !== undefined ? okAsync<Date | undefined, JobError>(kept) : this.clock().map((now) => nextOccurrence(schedule.cron, schedule.timeZone, now))).andThen((nextExecutionAt) => {
          if (nextExecutionAt === undefined) {
            return errAsync<void, JobError>({ kind: 'InvalidCron', cron: schedule.cron, message: `Cron expression ${JSON.stringify(schedule.cron)} never fires again.` });
          }
          return this.storage.upsertRecurring({ ...definition, id, nextExecutionAt }, { replacing }).mapErr(fromStorageError);
        });
      });
  }

  /** Removes the definition; resolves false when there was none. Runs already created are not touched. */
  removeIfExists(id: string): ResultAsync<boolean, JobError> {
    return this.storage.removeRecurring(id).mapErr(fromStorageError);
  }

  /**
   * Runs the job now, outside its schedule (paused or not): the next tick is
   * not moved, and the run is recorded as the definition's last job. Resolves
   * with the new job's id. Errors: `RecurringJobNotFound`, the stored job no
   * longer restoring (`UnknownRequestType`, `UnknownService`,
   * `Unserializable`), and whatever `enqueue` reports.
   */
  trigger(id: string): ResultAsync<JobId, JobError> {
    return this.find(id).andThen((definition) =>
      restoreJob(definition, this.catalog)
        .asyncAndThen((job) => this.client.enqueue(job, { queue: definition.queue, recurringId: id, parameters: { [RECURRING_JOB_ID_PARAMETER]: id } }))
        // The job exists whatever happens next; a definition removed meanwhile simply records nothing.
        .andThen((jobId) => this.storage.recordRecurringRun(id, jobId).mapErr(fromStorageError).map(() => jobId)),
    );
  }

  /** Stops creating runs until `resume`. Errors: `RecurringJobNotFound`. */
  pause(id: string): ResultAsync<void, JobError> {
    return this.storage
      .setRecurringPaused(id, true)
      .mapErr(fromStorageError)
      .andThen((found) => (found ? okAsync(undefined) : errAsync(recurringJobNotFound(id))));
  }

  /**
   * Resumes a paused definition from now: its next tick is the first
   * occurrence after now, whatever its misfire policy. A pause is deliberate,
   * so the ticks that fell in it are not "missed" and are never replayed (not
   * even for `strict`). Resuming a definition that is not paused changes
   * nothing. Errors: `RecurringJobNotFound`, `InvalidCron`/`InvalidTimeZone`
   * when the stored schedule was damaged by hand.
   */
  resume(id: string): ResultAsync<void, JobError> {
    return this.find(id).andThen((definition) => {
      if (!definition.paused) return okAsync(undefined);
      return checkSchedule(definition.cron, definition.timeZone)
        .asyncAndThen((schedule) => this.clock().andThen((now) => this.storage.resumeRecurring(id, nextOccurrence(schedule.cron, schedule.timeZone, now)).mapErr(fromStorageError)))
        .andThen((found) => (found ? okAsync(undefined) : errAsync(recurringJobNotFound(id))));
    });
  }

  /** The given clock, else the database's: the one the recurring scheduler decides due-ness by. */
  private clock(): ResultAsync<Date, JobError> {
    return this.now !== undefined ? okAsync(this.now()) : this.storage.databaseNow().mapErr(fromStorageError);
  }

  private find(id: string): ResultAsync<RecurringJob, JobError> {
    return this.storage
      .getRecurring(id)
      .mapErr(fromStorageError)
      .andThen((definition) => (definition === undefined ? errAsync(recurringJobNotFound(id)) : okAsync(definition)));
  }

  /** Everything that can be checked without the database, including that the stored job restores. */
  private check(job: Job, cron: string, options: RecurringJobOptions): Result<{ schedule: CronSchedule; definition: Omit<RecurringDefinition, 'id' | 'nextExecutionAt'> }, JobError> {
    const misfire = options.misfire ?? DEFAULT_MISFIRE_POLICY;
    if (!MISFIRE_POLICIES.includes(misfire)) {
      return err({ kind: 'InvalidOptions', message: `Misfire policy ${quoteForMessage(misfire)} is refused: use ${MISFIRE_POLICIES.map((p) => `"${p}"`).join(', ')}.` });
    }
    const skipIfRunning = options.skipIfRunning ?? false;
    if (typeof skipIfRunning !== 'boolean') return err({ kind: 'InvalidOptions', message: 'skipIfRunning must be true or false.' });
    // Not in the types; a JavaScript caller's key would otherwise be dropped without a word.
    if (givesUniqueKey(options)) return err(uniqueKeyNotTaken('A recurring job (addOrUpdate)', 'each tick creates a new run; skipIfRunning: true skips a tick while the previous run has not finished'));
    // Nor any other option these do not take (a misspelt queue, say); the unique key has its own explanation above.
    const named = checkOptionNames(options, 'addOrUpdate', RECURRING_OPTION_NAMES);
    if (named.isErr()) return err(named.error);
    return checkSchedule(cron, options.timeZone ?? DEFAULT_RECURRING_TIME_ZONE).andThen((schedule) =>
      toStoredInvocation(job, this.catalog)
        // Restore it once now, so a job that could not be run later is refused at definition time.
        .andThen((invocation) => restoreJob(invocation, this.catalog).map(() => invocation))
        .andThen((invocation) =>
          ok({
            schedule,
            definition: {
              cron: schedule.cron,
              timeZone: schedule.timeZone,
              queue: options.queue ?? this.defaultQueue,
              typeName: invocation.typeName,
              methodName: invocation.methodName,
              payload: invocation.payload,
              displayName: invocation.displayName,
              misfire,
              skipIfRunning,
            },
          }),
        ),
    );
  }
}
