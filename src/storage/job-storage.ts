import type { ResultAsync, Result } from 'neverthrow';
import type { Queryable, Unsubscribe } from './database.js';
import type { FetchedJob, JobId, JobOutcome, JsonValue, Lease, NewJob, StateName, UniqueCreation } from './job-types.js';
import type { AllTimeCounts, JobDetails, JobSearch, JobSummary, Page, QueueSummary, ServerAnnouncement, ServerInfo, StateCounts, StateHistory, StateHistoryRequest } from './monitoring-types.js';
import type { DueRecurringHandler, RecurringDefinition, RecurringJob, UpsertRecurringOptions } from './recurring-types.js';
import type { StateChange } from './state-change.js';
import type { MalformedJob, StorageError } from './storage-error.js';
import type { StorageEvent } from './storage-events.js';

/** Where a write runs: by default its own statement; or inside a caller's open transaction. */
export interface WriteOptions {
  /**
   * A `pg` client (or PGlite transaction) inside the caller's own `BEGIN`. The
   * job exists, and listeners hear of it, only if the caller commits.
   */
  readonly transaction?: Queryable | undefined;
  /**
   * Asked, for a single Enqueued job that goes to the database alone (no
   * transaction, no concurrent calls merged with it), whether an idle worker
   * of a server in this process would run it (see ClaimOffer).
   */
  readonly claimOffer?: ClaimOffer | undefined;
}

/**
 * An idle worker of a local server, reserved for a job about to be created.
 * The creating statement then marks the job Processing under this server's
 * lease in the same commit (history: Enqueued, then Processing), unless a job
 * is already waiting in one of `queuesUpTo`: then the job joins its queue as
 * usual, so nothing jumps ahead of waiting work. Exactly one of `launch` and
 * `release` is called.
 */
export interface LocalClaim {
  /** The server that will hold the lease. */
  readonly owner: string;
  /** This claim's id among the server's lease requests (see FetchRequest.request). */
  readonly request?: string | undefined;
  readonly leaseMs: number;
  /** The server's queues in priority order, up to and including the job's queue. */
  readonly queuesUpTo: readonly string[];
  /** The job was claimed (committed as Processing): run it. */
  readonly launch: (job: FetchOutcome) => void;
  /** The job was not claimed (or not created): the worker is free again. */
  readonly release: () => void;
}

/** Reserves an idle local worker for a job of `queue`, or answers undefined. */
export type ClaimOffer = (queue: string) => LocalClaim | undefined;

/** A fetch request. */
export interface FetchRequest {
  /** Queues in priority order: earlier queues are drained first. */
  readonly queues: readonly string[];
  /** The most jobs to claim in this one statement. */
  readonly limit: number;
  /** The server claiming them (recorded so the watchdog can release them). */
  readonly owner: string;
  /** How long the jobs stay invisible to other fetchers unless the lease is renewed. */
  readonly leaseMs: number;
  /**
   * This fetch's id, recorded on the jobs it leases: a prefix of the server
   * process's own, then a number per request. `findStrayLeases` reads it back.
   */
  readonly request?: string | undefined;
}

/** A lease `findStrayLeases` found, with the request that took it. */
export interface StrayLease extends Lease {
  /** The id of the fetch or local claim that leased the job. */
  readonly request: string;
}

/** What a fetch hands out: a job, or a job whose stored row cannot be decoded. */
export type FetchOutcome = Result<FetchedJob, MalformedJob>;

/** Result of renewing leases: which are still held and which were lost (taken over, deleted, moved on). */
export interface RenewOutcome {
  readonly renewed: readonly JobId[];
  readonly lost: readonly JobId[];
}

/** A job as the state machine's filters are told of it: what it runs, where, and its retries so far. */
export interface JobIdentity {
  readonly jobId: JobId;
  readonly typeName: string;
  readonly methodName: string | undefined;
  readonly queue: string;
  readonly retryCount: number;
}

/**
 * A Scheduled job whose time has come: the scheduler moves it on through the
 * state machine, as Hangfire's DelayedJobScheduler does, so elect-state and
 * apply-state filters hear of it.
 */
export type DueJob = JobIdentity;

/**
 * A continuation this process's statement moved on because its parent
 * finished (or no longer exists): into its queue, or Deleted when the
 * parent's outcome did not match its option.
 */
export interface ReleasedContinuation extends JobIdentity {
  readonly state: 'Enqueued' | 'Deleted';
  /** The history entry's reason ("Parent job 12 Succeeded"). */
  readonly reason: string;
  readonly parentId: JobId;
  /** The parent's final state; undefined when the parent no longer exists. */
  readonly parentState: StateName | undefined;
}

/** What one step of the continuation sweep did, and where the next one starts. */
export interface ContinuationSweep {
  readonly released: JobId[];
  /** The last waiting continuation this step read; undefined when it read the last one (the next step starts over). */
  readonly next: JobId | undefined;
}

/**
 * Persistence for jobs, shaped by job semantics rather than by one database.
 * Every call returns a `ResultAsync`; nothing throws.
 */
export interface JobStorage {
  // Creating jobs
  createJob(job: NewJob, options?: WriteOptions): ResultAsync<JobId, StorageError>;
  /** Creates many jobs in one statement; ids come back in input order. */
  createJobs(jobs: readonly NewJob[], options?: WriteOptions): ResultAsync<JobId[], StorageError>;
  /**
   * Creates a job with a `uniqueKey` unless a job of its type (type name and
   * method name) with that key is Enqueued, Scheduled, Awaiting or
   * Processing: then nothing is written and that job's id comes back with
   * `created` false. Racing callers with one key create
   * one job. Never merged with other creations, never claimed locally.
   */
  createUniqueJob(job: NewJob, options?: Pick<WriteOptions, 'transaction'>): ResultAsync<UniqueCreation, StorageError>;

  // The worker's hot path
  /** Claims up to `limit` visible jobs, marking them Processing under a lease. */
  fetchJobs(request: FetchRequest): ResultAsync<FetchOutcome[], StorageError>;
  /** Extends leases still held; reports the ones that were lost. */
  renewLeases(leases: readonly Lease[], leaseMs: number): ResultAsync<RenewOutcome, StorageError>;
  /**
   * Leases of `owner` on Processing jobs, taken by requests whose id starts
   * with `requestPrefix`, other than `held`; at most `limit`, by job id. What
   * a server that knows every lease it holds and every request still on its
   * way can hand back (see WorkerPool).
   */
  findStrayLeases(owner: string, requestPrefix: string, held: readonly JobId[], limit: number): ResultAsync<StrayLease[], StorageError>;
  /** Hands held jobs back to the head of their queue (graceful stop). Returns the ids released. */
  releaseJobs(leases: readonly Lease[], reason: string): ResultAsync<JobId[], StorageError>;
  /** Applies guarded transitions in one statement; returns, per change, whether it applied. */
  changeStates(changes: readonly StateChange[], options?: WriteOptions): ResultAsync<boolean[], StorageError>;
  changeState(change: StateChange, options?: WriteOptions): ResultAsync<boolean, StorageError>;

  // Parameters and results
  setParameter(jobId: JobId, name: string, value: JsonValue): ResultAsync<void, StorageError>;
  getParameter(jobId: JobId, name: string): ResultAsync<JsonValue | undefined, StorageError>;
  getParameters(jobId: JobId): ResultAsync<Record<string, JsonValue>, StorageError>;
  /** The stored result (JSON text) of a succeeded job; `undefined` when none was stored. */
  getResult(jobId: JobId): ResultAsync<string | undefined, StorageError>;
  /**
   * The job's current state, or `undefined` when it does not exist (expired
   * or never created). Read inside `transaction` when one is given: a job
   * created in it exists only there until the caller commits.
   */
  getState(jobId: JobId, transaction?: Queryable): ResultAsync<StateName | undefined, StorageError>;
  /** The current states of many jobs in one statement; ids that do not exist (expired or never created) are absent. */
  getStates(jobIds: readonly JobId[]): ResultAsync<Map<JobId, StateName>, StorageError>;
  /**
   * As getStates, and for the jobs of `resultsOf` that Succeeded, the stored
   * result (JSON text; `undefined` when none was stored), read in the same
   * statement: a job that expired meanwhile is absent, never a Succeeded job
   * without its result.
   */
  getOutcomes(jobIds: readonly JobId[], resultsOf: readonly JobId[]): ResultAsync<Map<JobId, JobOutcome>, StorageError>;
  /**
   * When the newest Succeeded job of `key` (a recurring job id, or a job type
   * name: a request's stable type name or a job service's name) reached
   * Succeeded; `undefined` when none is stored (never ran, or expired).
   */
  lastSucceededAt(key: string): ResultAsync<Date | undefined, StorageError>;

  // Schedulers
  /**
   * Up to `limit` Scheduled jobs whose run time has passed, earliest first.
   * Reading moves nothing: the caller changes their state (guarded by
   * Scheduled, so two servers reading the same job move it once).
   */
  dueScheduledJobs(limit: number): ResultAsync<DueJob[], StorageError>;
  /** When the next Scheduled job is due; `undefined` when none is scheduled. */
  nextScheduledAt(): ResultAsync<Date | undefined, StorageError>;
  /**
   * Milliseconds until the next Scheduled job is due by the database's clock
   * (0 or less: due already); `undefined` when none is scheduled.
   */
  scheduledDueInMs(): ResultAsync<number | undefined, StorageError>;
  /**
   * Moves the continuations of these parents whose parent finished: to their
   * queue, or to Deleted when the parent's outcome does not match their
   * option. Returns the ids moved.
   */
  releaseContinuations(parentIds: readonly JobId[], limit?: number): ResultAsync<JobId[], StorageError>;
  /**
   * One step of the sweep over every waiting continuation: reads at most
   * `limit` of them, in id order after `after` (from the first when
   * undefined), and moves on those whose parent finished or no longer
   * exists, as `releaseContinuations` does. `next` is where the next step
   * starts: undefined once the step reached the last one.
   */
  sweepContinuations(after: JobId | undefined, limit?: number): ResultAsync<ContinuationSweep, StorageError>;
  /** Deletes expired jobs with their history, parameters and results, at most `limit` per call. */
  expireJobs(limit: number): ResultAsync<number, StorageError>;

  // Recurring definitions
  upsertRecurring(definition: RecurringDefinition, options?: UpsertRecurringOptions): ResultAsync<void, StorageError>;
  getRecurring(id: string): ResultAsync<RecurringJob | undefined, StorageError>;
  listRecurring(): ResultAsync<RecurringJob[], StorageError>;
  /** Returns whether a definition was removed. */
  removeRecurring(id: string): ResultAsync<boolean, StorageError>;
  setRecurringPaused(id: string, paused: boolean): ResultAsync<boolean, StorageError>;
  /**
   * Resumes a definition. When it was paused, its next execution becomes
   * `nextExecutionAt` (computed by the caller), so the ticks that fell in the
   * pause are not replayed; an unpaused definition keeps its schedule.
   * Returns whether the definition exists.
   */
  resumeRecurring(id: string, nextExecutionAt: Date | undefined): ResultAsync<boolean, StorageError>;
  /**
   * One pass of the recurring scheduler, in ONE transaction: locks up to
   * `limit` due definitions (not paused, next execution at or before the
   * clock; oldest first; rows other servers hold are skipped), calls `handle`
   * for each with the clock and the transaction, records what it returns, and
   * commits. The lock and the advanced next execution make each tick fire
   * once across servers. An error value from `handle` rolls the pass back.
   * The clock is the database's `now()` unless `options.now` is given.
   * Resolves with the number of definitions handled.
   */
  processDueRecurring<E>(limit: number, handle: DueRecurringHandler<E>, options?: { readonly now?: Date | undefined }): ResultAsync<number, StorageError | E>;
  /** Records a run outside the schedule (a trigger): the job and when (default: the database's now()). Returns whether the definition exists. */
  recordRecurringRun(id: string, jobId: JobId, at?: Date): ResultAsync<boolean, StorageError>;
  /**
   * Milliseconds until the soonest unpaused definition is due (negative when
   * one is due already; `undefined` when none is scheduled), on the
   * database's clock unless `now` is given.
   */
  recurringDueInMs(now?: Date): ResultAsync<number | undefined, StorageError>;
  /** The database's clock (`now()`), which the schedulers decide due-ness by, for due times computed outside SQL. */
  databaseNow(): ResultAsync<Date, StorageError>;


  // Servers
  announceServer(server: ServerAnnouncement): ResultAsync<void, StorageError>;
  /** Returns false when the server's row is gone (removed by a watchdog): it should announce again. */
  heartbeat(serverName: string): ResultAsync<boolean, StorageError>;
  removeServer(serverName: string): ResultAsync<void, StorageError>;
  /** Removes servers silent for longer than `timeoutMs` and releases their Processing jobs at once. */
  removeDeadServers(timeoutMs: number): ResultAsync<{ servers: string[]; releasedJobs: JobId[] }, StorageError>;

  // Monitoring
  stateCounts(): ResultAsync<StateCounts, StorageError>;
  /** Newest first. */
  jobsInState(state: StateName, page: { offset: number; limit: number }): ResultAsync<Page<JobSummary>, StorageError>;
  jobDetails(jobId: JobId): ResultAsync<JobDetails | undefined, StorageError>;
  /** Jobs matching a search (the dashboard's search box), newest first; the term is a value, never SQL. */
  searchJobs(search: JobSearch): ResultAsync<Page<JobSummary>, StorageError>;
  queues(): ResultAsync<QueueSummary[], StorageError>;
  servers(): ResultAsync<ServerInfo[], StorageError>;
  /**
   * Jobs that reached Succeeded and Failed per hour and per UTC day, oldest
   * first, the current hour and day included: aggregated totals plus the
   * counter rows not aggregated yet, so a completion shows at once.
   */
  stateHistory(request: StateHistoryRequest): ResultAsync<StateHistory, StorageError>;
  /** Jobs that reached Succeeded and Failed since the schema was created, counted at once. */
  allTimeCounts(): ResultAsync<AllTimeCounts, StorageError>;

  // Counters
  /**
   * Folds up to `limit` raw counter rows into the hourly totals in one
   * statement (servers running it at once never count a row twice) and deletes
   * totals past the retention. Returns how many raw rows were folded.
   */
  aggregateCounters(limit: number): ResultAsync<number, StorageError>;

  // Wake-ups
  /**
   * Hears, in this process only, of every continuation this storage's own
   * statements moved on (the completion, the client's check, the sweep):
   * the engine tells the apply-state filters. Called once per statement.
   */
  onContinuationsReleased(listener: (released: readonly ReleasedContinuation[]) => void): () => void;
  /** Hears job events from every process sharing the database (delivered on commit). */
  subscribe(listener: (event: StorageEvent) => void, onReconnect?: () => void): ResultAsync<Unsubscribe, StorageError>;

  /**
   * Calls `listener` once, in this process, when `close` is called on this
   * storage (at once if it already was), after the storage refuses new
   * statements and before its connections close: a server running on it
   * stops instead of retrying statements that can only fail. Returns a
   * function that removes the listener.
   */
  onClosed(listener: () => void): () => void;
  /**
   * Closes the storage: later calls answer `Closed`, and subscriptions end.
   * A close while one is under way, or after one succeeded, answers with its
   * outcome; a close after one failed tries again.
   */
  close(): ResultAsync<void, StorageError>;
}
