import { err, errAsync, ok, okAsync, Result, ResultAsync } from 'neverthrow';
import { mapOk, thenResult } from '../results/map-ok.js';
import type { Database, Queryable, Unsubscribe } from './database.js';
import { DeadRowCollector } from './embedded/dead-row-collector.js';
import { checkName, checkQueueName, parseJobId, toJsonText } from './input-validation.js';
import type { ContinuationSweep, DueJob, FetchOutcome, FetchRequest, JobStorage, ReleasedContinuation, RenewOutcome, StrayLease, WriteOptions } from './job-storage.js';
import { JOB_STATES, type FetchedJob, type JobId, type JobOutcome, type JsonValue, type Lease, type NewJob, type StateName, type UniqueCreation } from './job-types.js';
import type { AllTimeCounts, HistoryPoint, JobDetails, JobSearch, JobSummary, Page, QueueSummary, ServerAnnouncement, ServerInfo, StateCounts, StateHistory, StateHistoryRequest } from './monitoring-types.js';
import type { DueRecurringHandler, RecurringDefinition, RecurringJob, UpsertRecurringOptions } from './recurring-types.js';
import { JobCreator } from './job-creation.js';
import { storableData, storableText } from './storable-text.js';
import { decodeFetchedRow, decodeReleasedContinuations, parseStoredJson, type FetchedRow } from './row-decoding.js';
import type { SchemaName } from './schema-name.js';
import { SqlMonitoring } from './sql-monitoring.js';
import { SqlRecurringTicks } from './sql-recurring-ticks.js';
import { statementsFor, type Statements } from './sql/statements.js';
import type { ReplacedState, StateChange } from './state-change.js';
import { StatementRunner } from './statement-runner.js';
import { channelFor, decodeStorageEvents, type StorageEvent } from './storage-events.js';
import type { MalformedJob, StorageError } from './storage-error.js';
import { uniqueKeyHeld } from './unique-key-held.js';

/** How many continuations one release statement moves at most. */
export const DEFAULT_CONTINUATION_BATCH = 1000;

/** How long hourly counter totals are kept (the dashboard shows at most 30 days). */
export const COUNTER_RETENTION_MS = 31 * 24 * 3_600_000;

/** The most hours and days a history request may ask for. */
export const MAX_HISTORY_HOURS = 720;
export const MAX_HISTORY_DAYS = 30;

/** Settings the storage itself needs. */
export interface SqlJobStorageSettings {
  /** How long Succeeded and Deleted jobs are kept. */
  readonly jobExpirationTimeoutMs: number;
  /** Told when something in the background failed (the embedded database's VACUUM). */
  readonly onWarning?: ((message: string, cause: unknown) => void) | undefined;
}

/**
 * The one SQL implementation of `JobStorage`, over any `Database` adapter.
 * Hot paths (create, fetch, renew, change state) are one statement each,
 * whatever the batch size.
 */
export class SqlJobStorage implements JobStorage {
  private readonly sql: Statements;
  private readonly runner: StatementRunner;
  private readonly monitoring: SqlMonitoring;
  private readonly recurringTicks: SqlRecurringTicks;
  private readonly channel: string;
  private readonly creator: JobCreator;
  /** The embedded database has no autovacuum: the storage vacuums it (see dead-row-collector.ts). */
  private readonly deadRows: DeadRowCollector | undefined;
  /** Told of the continuations this storage's statements moved on (the engine's apply-state filters). */
  private readonly releaseListeners = new Set<(released: readonly ReleasedContinuation[]) => void>();
  /** Told when the storage is closed (servers running on it); undefined once it was. */
  private closeListeners: Set<() => void> | undefined = new Set();
  /**
   * The close under way, or the one that succeeded: a second close (two
   * shutdown paths) answers with it rather than closing the database again.
   * A close that failed is forgotten once it settles, so the next one tries again.
   */
  private closing: Promise<Result<void, StorageError>> | undefined;

  constructor(
    private readonly db: Database,
    readonly schema: SchemaName,
    private readonly settings: SqlJobStorageSettings,
  ) {
    this.sql = statementsFor(schema.quoted);
    this.runner = new StatementRunner(db);
    this.monitoring = new SqlMonitoring(this.runner, this.sql);
    this.recurringTicks = new SqlRecurringTicks(db, this.runner, this.sql);
    this.channel = channelFor(schema.name);
    this.creator = new JobCreator(this.runner, { ...this.sql, channel: this.channel });
    this.deadRows = db.kind === 'Embedded' ? new DeadRowCollector(db, schema, settings.onWarning ?? (() => undefined)) : undefined;
  }

  /** Counts the rows a statement rewrote or deleted, for the embedded database's VACUUM. */
  private rewrote(rows: number): void {
    this.deadRows?.note(rows);
  }

  onContinuationsReleased(listener: (released: readonly ReleasedContinuation[]) => void): () => void {
    this.releaseListeners.add(listener);
    return () => this.releaseListeners.delete(listener);
  }

  onClosed(listener: () => void): () => void {
    if (this.closeListeners === undefined) {
      this.tellClosed(listener);
      return () => undefined;
    }
    const listeners = this.closeListeners;
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }

  /** A close listener that throws does not stop the close, nor the other listeners. */
  private tellClosed(listener: () => void): void {
    try {
      listener();
    } catch (error) {
      this.settings.onWarning?.('a listener of the storage closing threw', error);
    }
  }

  /** Decodes a statement's released continuations and tells the listeners; a listener that throws does not fail the statement. */
  private reportReleased(json: string | null): readonly ReleasedContinuation[] {
    const released = decodeReleasedContinuations(json);
    if (released.length > 0) {
      for (const listener of this.releaseListeners) {
        try {
          listener(released);
        } catch (error) {
          this.settings.onWarning?.('a listener of released continuations threw', error);
        }
      }
    }
    return released;
  }

  /** Which adapter the storage runs on. */
  get databaseKind(): Database['kind'] {
    return this.db.kind;
  }

  createJob(job: NewJob, options?: WriteOptions): ResultAsync<JobId, StorageError> {
    return mapOk(this.createJobs([job], options), (ids) => ids[0] as JobId);
  }

  createJobs(jobs: readonly NewJob[], options?: WriteOptions): ResultAsync<JobId[], StorageError> {
    if (jobs.length === 0) return okAsync([]);
    return this.creator.create(jobs, options?.transaction, options?.claimOffer);
  }

  createUniqueJob(job: NewJob, options?: Pick<WriteOptions, 'transaction'>): ResultAsync<UniqueCreation, StorageError> {
    return this.creator.createUnique(job, options?.transaction);
  }

  fetchJobs(request: FetchRequest): ResultAsync<FetchOutcome[], StorageError> {
    return mapOk(this.runner.rows<FetchedRow>('fetching jobs', this.sql.fetchJobs, [request.queues, request.limit, request.owner, request.leaseMs, request.request ?? null]), (rows) => {
      this.rewrote(rows.length);
      return rows.map(decodeFetchedRow);
    });
  }

  renewLeases(leases: readonly Lease[], leaseMs: number): ResultAsync<RenewOutcome, StorageError> {
    if (leases.length === 0) return okAsync({ renewed: [], lost: [] });
    return this.runner
      .rows<{ id: string }>('renewing leases', this.sql.renewLeases, [leases.map((l) => l.jobId), leases.map((l) => l.token), leaseMs])
      .map((rows) => {
        this.rewrote(rows.length);
        const renewed = new Set(rows.map((row) => row.id));
        return { renewed: [...renewed], lost: leases.map((l) => l.jobId).filter((id) => !renewed.has(id)) };
      });
  }

  findStrayLeases(owner: string, requestPrefix: string, held: readonly JobId[], limit: number): ResultAsync<StrayLease[], StorageError> {
    // An empty prefix would match every process's requests under a shared name.
    if (requestPrefix === '') return errAsync({ kind: 'InvalidInput', operation: 'finding stray leases', message: 'a request prefix is required: an empty one matches every process' });
    return this.runner
      .rows<{ id: JobId; fetch_count: number; lease_request: string }>('finding stray leases', this.sql.strayLeases, [owner, requestPrefix, held, limit])
      .map((rows) => rows.map((row) => ({ jobId: row.id, token: row.fetch_count, request: row.lease_request })));
  }

  releaseJobs(leases: readonly Lease[], reason: string): ResultAsync<JobId[], StorageError> {
    const changes: StateChange[] = leases.map((lease) => ({ jobId: lease.jobId, from: ['Processing'], lease, to: { name: 'Enqueued', toHead: true }, reason }));
    return this.changeStates(changes).map((applied) => leases.filter((_, i) => applied[i] === true).map((l) => l.jobId));
  }

  changeState(change: StateChange, options?: WriteOptions): ResultAsync<boolean, StorageError> {
    return this.changeStates([change], options).map((applied) => applied[0] === true);
  }

  changeStates(changes: readonly StateChange[], options?: WriteOptions): ResultAsync<boolean[], StorageError> {
    if (changes.length === 0) return okAsync([]);
    const checked: CheckedChange[] = [];
    for (const change of changes) {
      const one = checkChange(change);
      if (one.isErr()) return errAsync(one.error);
      checked.push(one.value);
    }
    const written = this.runner.rows<{ applied: boolean; released: string | null }>('changing job states', this.sql.changeStates, [
      changes.map((c) => c.jobId),
      changes.map((c) => c.from.join(',')),
      changes.map((c) => c.lease?.token ?? null),
      changes.map((c) => c.to.name),
      changes.map((c) => (c.to.name === 'Enqueued' ? (c.to.queue ?? null) : null)),
      changes.map((c) => (c.to.name === 'Enqueued' && c.to.toHead === true)),
      changes.map((c) => (c.to.name === 'Scheduled' ? c.to.runAt : null)),
      changes.map((c) => (c.to.name === 'Succeeded' ? (c.to.result ?? null) : null)),
      changes.map((c) => (c.reason === undefined ? null : storableText(c.reason))),
      checked.map((encoded) => encoded.data),
      this.settings.jobExpirationTimeoutMs,
      this.channel,
      changes.map((c) => retryCountOf(c.to)),
      checked.map((encoded) => encoded.replaced),
    ], options?.transaction);
    // One promise step (see thenResult): the completion path of every job comes through here.
    return thenResult(written, (rows): Result<boolean[], StorageError> => {
      if (rows.isErr()) return err(uniqueKeyHeld(rows.error));
      const applied = rows.value.map((row) => row.applied);
      this.rewrote(applied.filter(Boolean).length);
      // Only the first row carries them, and only when the batch finished a parent with continuations.
      this.reportReleased(rows.value[0]?.released ?? null);
      return ok(applied);
    });
  }

  setParameter(jobId: JobId, name: string, value: JsonValue): ResultAsync<void, StorageError> {
    const op = 'setting a job parameter';
    const checked = Result.combine([parseJobId(jobId, op), checkName(name, 'Parameter name', op), toJsonText(value, op)]);
    return checked
      .asyncAndThen(([id, checkedName, text]) => this.runner.rows<{ job_id: string }>(op, this.sql.setParameter, [id, checkedName, text]))
      .andThen((rows) => (rows.length === 0 ? errAsync<void, StorageError>({ kind: 'JobNotFound', jobId }) : okAsync(undefined)));
  }

  getParameter(jobId: JobId, name: string): ResultAsync<JsonValue | undefined, StorageError> {
    return this.getParameters(jobId).map((parameters) => parameters[name]);
  }

  getParameters(jobId: JobId): ResultAsync<Record<string, JsonValue>, StorageError> {
    const op = 'reading job parameters';
    return parseJobId(jobId, op)
      .asyncAndThen((id) => this.runner.rows<{ name: string | null; value: string | null }>(op, this.sql.getParameters, [id]))
      .andThen((rows) => {
        if (rows.length === 0) return errAsync<Record<string, JsonValue>, StorageError>({ kind: 'JobNotFound', jobId });
        const parameters: Record<string, JsonValue> = {};
        for (const row of rows) if (row.name !== null && row.value !== null) parameters[row.name] = storedJsonOrText(row.value);
        return okAsync(parameters);
      });
  }

  getResult(jobId: JobId): ResultAsync<string | undefined, StorageError> {
    return mapOk(this.readStateAndResult(jobId, 'reading a job result'), (row) => row?.result ?? undefined);
  }

  getState(jobId: JobId, transaction?: Queryable): ResultAsync<StateName | undefined, StorageError> {
    return mapOk(this.readStateAndResult(jobId, 'reading a job state', transaction), (row) => row?.state);
  }

  getStates(jobIds: readonly JobId[]): ResultAsync<Map<JobId, StateName>, StorageError> {
    return mapOk(this.getOutcomes(jobIds, []), (outcomes) => new Map<JobId, StateName>([...outcomes].map(([id, outcome]) => [id, outcome.state])));
  }

  getOutcomes(jobIds: readonly JobId[], resultsOf: readonly JobId[]): ResultAsync<Map<JobId, JobOutcome>, StorageError> {
    const op = 'reading job outcomes';
    const ids = Result.combine(jobIds.map((id) => parseJobId(id, op)));
    if (ids.isErr()) return errAsync(ids.error);
    const withResults = Result.combine(resultsOf.map((id) => parseJobId(id, op)));
    if (withResults.isErr()) return errAsync(withResults.error);
    if (ids.value.length === 0) return okAsync(new Map<JobId, JobOutcome>());
    return mapOk(
      this.runner.rows<{ id: string; state: StateName; result: string | null }>(op, this.sql.jobOutcomes, [ids.value, withResults.value]),
      (rows) => new Map<JobId, JobOutcome>(rows.map((row) => [row.id, { state: row.state, result: row.result ?? undefined }])),
    );
  }

  lastSucceededAt(key: string): ResultAsync<Date | undefined, StorageError> {
    const op = 'finding the last successful run';
    return checkName(key, 'Recurring job id or job type name', op)
      .asyncAndThen((checked) => this.runner.rows<{ finished_at: Date | null }>(op, this.sql.lastSucceededAt, [checked]))
      .map((rows) => rows[0]?.finished_at ?? undefined);
  }

  dueScheduledJobs(limit: number): ResultAsync<DueJob[], StorageError> {
    return this.runner
      .rows<{ id: JobId; type_name: string; method_name: string | null; queue: string; retry_count: number }>('reading due scheduled jobs', this.sql.dueScheduled, [limit])
      .map((rows) => rows.map((row) => ({ jobId: row.id, typeName: row.type_name, methodName: row.method_name ?? undefined, queue: row.queue, retryCount: row.retry_count })));
  }

  nextScheduledAt(): ResultAsync<Date | undefined, StorageError> {
    return this.runner.rows<{ next: Date | null }>('finding the next scheduled job', this.sql.nextScheduled).map((rows) => rows[0]?.next ?? undefined);
  }

  scheduledDueInMs(): ResultAsync<number | undefined, StorageError> {
    return this.runner.rows<{ due_in_ms: number | null }>('finding the next scheduled job', this.sql.scheduledDueIn).map((rows) => rows[0]?.due_in_ms ?? undefined);
  }

  releaseContinuations(parentIds: readonly JobId[], limit = DEFAULT_CONTINUATION_BATCH): ResultAsync<JobId[], StorageError> {
    const op = 'releasing continuations';
    const ids = Result.combine(parentIds.map((id) => parseJobId(id, op)));
    if (ids.isErr()) return errAsync(ids.error);
    if (ids.value.length === 0) return okAsync([]);
    return this.runner
      .rows<{ released: string | null }>(op, this.sql.releaseContinuationsOf, [ids.value, limit, this.channel, this.settings.jobExpirationTimeoutMs])
      .map((rows) => this.reportReleased(rows[0]?.released ?? null).map((c) => c.jobId));
  }

  sweepContinuations(after: JobId | undefined, limit = DEFAULT_CONTINUATION_BATCH): ResultAsync<ContinuationSweep, StorageError> {
    const op = 'sweeping continuations';
    const from = after === undefined ? ok('0') : parseJobId(after, op);
    if (from.isErr()) return errAsync(from.error);
    return this.runner
      .rows<{ released: string | null; last_scanned: string | null; scanned: number }>(op, this.sql.sweepContinuations, [from.value, limit, this.channel, this.settings.jobExpirationTimeoutMs])
      .map((rows) => {
        const row = rows[0];
        // A step that read fewer than it could reached the end: the next one starts over.
        const next = row === undefined || row.scanned < limit || row.last_scanned === null ? undefined : row.last_scanned;
        return { released: this.reportReleased(row?.released ?? null).map((c) => c.jobId), next };
      });
  }

  expireJobs(limit: number): ResultAsync<number, StorageError> {
    return this.runner.rows<{ expired: number }>('expiring jobs', this.sql.expireJobs, [limit]).map((rows) => {
      const expired = rows[0]?.expired ?? 0;
      // The job's row and its history rows (usually two): the deleted rows stay until a VACUUM.
      this.rewrote(expired * 3);
      return expired;
    });
  }

  upsertRecurring(definition: RecurringDefinition, options?: UpsertRecurringOptions): ResultAsync<void, StorageError> {
    return this.monitoring.upsertRecurring(definition, options);
  }

  getRecurring(id: string): ResultAsync<RecurringJob | undefined, StorageError> {
    return this.monitoring.getRecurring(id);
  }

  listRecurring(): ResultAsync<RecurringJob[], StorageError> {
    return this.monitoring.listRecurring();
  }

  removeRecurring(id: string): ResultAsync<boolean, StorageError> {
    return this.monitoring.removeRecurring(id);
  }

  setRecurringPaused(id: string, paused: boolean): ResultAsync<boolean, StorageError> {
    return this.monitoring.setRecurringPaused(id, paused);
  }

  resumeRecurring(id: string, nextExecutionAt: Date | undefined): ResultAsync<boolean, StorageError> {
    return this.recurringTicks.resumeRecurring(id, nextExecutionAt);
  }

  processDueRecurring<E>(limit: number, handle: DueRecurringHandler<E>, options?: { readonly now?: Date | undefined }): ResultAsync<number, StorageError | E> {
    return this.recurringTicks.processDueRecurring(limit, handle, options);
  }

  recordRecurringRun(id: string, jobId: JobId, at?: Date): ResultAsync<boolean, StorageError> {
    return this.recurringTicks.recordRecurringRun(id, jobId, at);
  }

  recurringDueInMs(now?: Date): ResultAsync<number | undefined, StorageError> {
    return this.recurringTicks.recurringDueInMs(now);
  }

  databaseNow(): ResultAsync<Date, StorageError> {
    return this.runner.rows<{ now: Date }>('reading the database clock', this.sql.databaseNow, []).map((rows) => (rows[0] as { now: Date }).now);
  }

  announceServer(server: ServerAnnouncement): ResultAsync<void, StorageError> {
    return this.runner.rows('announcing a server', this.sql.announceServer, [server.name, server.workerCount, server.queues]).map(() => undefined);
  }

  heartbeat(serverName: string): ResultAsync<boolean, StorageError> {
    return this.runner.rows('recording a heartbeat', this.sql.heartbeat, [serverName]).map((rows) => rows.length > 0);
  }

  removeServer(serverName: string): ResultAsync<void, StorageError> {
    return this.runner.rows('removing a server', this.sql.removeServer, [serverName]).map(() => undefined);
  }

  removeDeadServers(timeoutMs: number): ResultAsync<{ servers: string[]; releasedJobs: JobId[] }, StorageError> {
    return this.runner
      .rows<{ servers: string[]; jobs: string[] }>('removing dead servers', this.sql.removeDeadServers, [timeoutMs, this.channel])
      .map((rows) => ({ servers: rows[0]?.servers ?? [], releasedJobs: rows[0]?.jobs ?? [] }));
  }

  stateCounts(): ResultAsync<StateCounts, StorageError> {
    return this.monitoring.stateCounts();
  }

  jobsInState(state: StateName, page: { offset: number; limit: number }): ResultAsync<Page<JobSummary>, StorageError> {
    return this.monitoring.jobsInState(state, page);
  }

  jobDetails(jobId: JobId): ResultAsync<JobDetails | undefined, StorageError> {
    return this.monitoring.jobDetails(jobId);
  }

  stateHistory(request: StateHistoryRequest): ResultAsync<StateHistory, StorageError> {
    const op = 'reading the job history';
    const whole = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max;
    if (!whole(request.hours, MAX_HISTORY_HOURS) || !whole(request.days, MAX_HISTORY_DAYS)) {
      return errAsync({ kind: 'InvalidInput', operation: op, message: `history covers 1 to ${MAX_HISTORY_HOURS} hours and 1 to ${MAX_HISTORY_DAYS} days` });
    }
    return this.runner
      .rows<{ unit: 'hour' | 'day'; start: Date; succeeded: number; failed: number }>(op, this.sql.stateHistory, [request.hours, request.days])
      .map((rows) => {
        const point = (row: (typeof rows)[number]): HistoryPoint => ({ start: new Date(row.start), succeeded: row.succeeded, failed: row.failed });
        return { hourly: rows.filter((r) => r.unit === 'hour').map(point), daily: rows.filter((r) => r.unit === 'day').map(point) };
      });
  }

  allTimeCounts(): ResultAsync<AllTimeCounts, StorageError> {
    return this.runner
      .rows<{ succeeded: number; failed: number }>('counting finished jobs', this.sql.allTimeCounts)
      .map((rows) => ({ succeeded: rows[0]?.succeeded ?? 0, failed: rows[0]?.failed ?? 0 }));
  }

  aggregateCounters(limit: number): ResultAsync<number, StorageError> {
    return this.runner
      .rows<{ aggregated: number }>('aggregating counters', this.sql.aggregateCounters, [limit, COUNTER_RETENTION_MS])
      .map((rows) => rows[0]?.aggregated ?? 0);
  }

  searchJobs(search: JobSearch): ResultAsync<Page<JobSummary>, StorageError> {
    return this.monitoring.searchJobs(search);
  }

  queues(): ResultAsync<QueueSummary[], StorageError> {
    return this.monitoring.queues();
  }

  servers(): ResultAsync<ServerInfo[], StorageError> {
    return this.monitoring.servers();
  }

  subscribe(listener: (event: StorageEvent) => void, onReconnect?: () => void): ResultAsync<Unsubscribe, StorageError> {
    // An embedded instance the caller owns outlives this storage: it would still take the subscription, and deliver to it.
    if (this.closeListeners === undefined) return errAsync({ kind: 'Closed', operation: 'listening for job events' });
    const onPayload = (payload: string) => {
      for (const event of decodeStorageEvents(payload)) listener(event);
    };
    return ResultAsync.fromPromise(this.db.listen(this.channel, onPayload, onReconnect), (error) => ({
      kind: 'DatabaseError' as const, operation: 'listening for job events', code: undefined, message: `listening for job events failed: ${String(error)}`, cause: error,
    }));
  }

  close(): ResultAsync<void, StorageError> {
    if (this.closing !== undefined) return new ResultAsync(this.closing);
    this.runner.markClosed();
    // Told now, in this call: a server stops its loops before any of their statements comes back refused.
    const listeners = this.closeListeners ?? new Set<() => void>();
    this.closeListeners = undefined;
    for (const listener of listeners) this.tellClosed(listener);
    const closed = (this.deadRows?.settled() ?? Promise.resolve()).then(() => this.db.close());
    const outcome = ResultAsync.fromPromise(closed, (error): StorageError => ({
      kind: 'DatabaseError', operation: 'closing storage', code: undefined, message: `closing storage failed: ${String(error)}`, cause: error,
    }));
    // Forgotten when it fails: what did not close (a subscription, the database) is tried again by the next close.
    this.closing = Promise.resolve(outcome).then((result) => {
      if (result.isErr()) this.closing = undefined;
      return result;
    });
    return new ResultAsync(this.closing);
  }

  private readStateAndResult(jobId: JobId, op: string, transaction?: Queryable): ResultAsync<{ state: StateName; result: string | null } | undefined, StorageError> {
    const id = parseJobId(jobId, op);
    if (id.isErr()) return errAsync(id.error);
    return mapOk(this.runner.rows<{ state: StateName; result: string | null }>(op, this.sql.getResult, [id.value], transaction), (rows) => rows[0]);
  }
}

/** Validates a state change and encodes its history data and replaced states as JSON text. */
function checkChange(change: StateChange): Result<CheckedChange, StorageError> {
  // Early returns rather than Result.combine: this runs for every completed job, and each combined Result allocates.
  const op = 'changing a job state';
  const id = parseJobId(change.jobId, op);
  if (id.isErr()) return err(id.error);
  if (change.from.length === 0) return errResult(op, 'a state change needs at least one expected state');
  // Caught here rather than by the database: an invalid date would fail the statement, and with it every change of the batch.
  if (change.to.name === 'Scheduled' && !(change.to.runAt instanceof Date && Number.isFinite(change.to.runAt.getTime()))) {
    return errResult(op, 'a Scheduled state needs a valid runAt date');
  }
  if (change.to.name === 'Enqueued' && change.to.queue !== undefined) {
    const queue = checkQueueName(change.to.queue, op);
    if (queue.isErr()) return err(queue.error);
  }
  let data: string | null = null;
  if (change.data !== undefined) {
    const text = toJsonText(storableData(change.data), op);
    if (text.isErr()) return err(text.error);
    data = text.value;
  }
  const replaced = change.replaced ?? [];
  if (replaced.some((state) => !JOB_STATES.includes(state.name))) return errResult(op, 'a replaced state must be a job state');
  let replacedText: string | null = null;
  if (replaced.length > 0) {
    const text = toJsonText(replaced.map(storableRecord), op);
    if (text.isErr()) return err(text.error);
    replacedText = text.value;
  }
  return ok({ data, replaced: replacedText });
}

/** A change's history data and replaced states as the statement takes them (JSON text). */
interface CheckedChange {
  readonly data: string | null;
  readonly replaced: string | null;
}

/** A replaced state as the history can store it (see storable-text.ts). */
function storableRecord(state: ReplacedState): ReplacedState {
  return { name: state.name, reason: state.reason === undefined ? undefined : storableText(state.reason), data: state.data === undefined ? undefined : storableData(state.data) };
}

/** The retry count a change sets: the retry filter's attempt, 0 for a manual requeue, NULL to keep it. */
function retryCountOf(to: StateChange['to']): number | null {
  if (to.name === 'Scheduled') return to.retryCount ?? null;
  if (to.name === 'Enqueued' && to.resetRetries === true) return 0;
  return null;
}

function errResult(operation: string, message: string): Result<never, StorageError> {
  return err({ kind: 'InvalidInput', operation, message });
}

/** Parameters are JSON we wrote; one edited by hand into non-JSON is handed back as its raw text. */
function storedJsonOrText(text: string): JsonValue {
  const parsed = parseStoredJson(text);
  return parsed.ok ? parsed.value : text;
}

export type { FetchedJob, MalformedJob };
