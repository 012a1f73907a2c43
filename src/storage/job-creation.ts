import { err, errAsync, ok, okAsync, Result, ResultAsync } from 'neverthrow';
import { mapOk } from '../results/map-ok.js';
import { Coalescer } from './coalescer.js';
import { checkName, checkQueueName, parseJobId, toJsonText } from './input-validation.js';
import type { ClaimOffer, LocalClaim } from './job-storage.js';
import type { JobId, NewJob, UniqueCreation } from './job-types.js';
import { decodeFetchedRow, type FetchedRow } from './row-decoding.js';
import type { StatementRunner } from './statement-runner.js';
import type { Queryable } from './database.js';
import { databaseError, refusedByDatabase, type StorageError } from './storage-error.js';

/** A new job, checked and encoded: one row of the create statements' parameters. */
interface JobRow {
  readonly queue: string; readonly state: string; readonly typeName: string; readonly methodName: string | null;
  readonly payload: string; readonly displayName: string | null; readonly runAt: Date | null; readonly parentId: string | null;
  readonly on: string | null; readonly recurringId: string | null; readonly reason: string | null;
  readonly parameters: readonly (readonly [name: string, value: string])[];
  readonly uniqueKey: string | null;
}

/**
 * The latest time a job may be scheduled for: the end of 9999. Dates beyond it
 * (a delay of 1e15 ms) were stored by PostgreSQL and refused by the embedded
 * database with an obscure error; no job waits that long on purpose.
 */
const LATEST_RUN_AT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Calls with at most this many jobs are merged with concurrent ones; larger batches are big enough alone. */
const MERGE_AT_MOST = 100;

/** The statements job creation runs, with the notification channel. */
export interface CreationStatements {
  /** One job; the WithParameters forms also write its parameters (see create-job.ts). */
  readonly createJob: string;
  readonly createJobWithParameters: string;
  readonly createJobs: string;
  readonly createClaimedJob: string;
  readonly createClaimedJobWithParameters: string;
  readonly createUniqueJob: string;
  readonly channel: string;
}

/** What the claiming creation returns: the job as a fetch would, and whether it was claimed. */
type ClaimedRow = FetchedRow & { claimed: boolean };

/**
 * How often a keyed creation runs again when it neither created its job nor
 * saw the one holding the key (a racer's commit its snapshot predates). Each
 * retry sees a newer snapshot; running out takes a key created and finished
 * over and over in between.
 */
const UNIQUE_CREATION_ATTEMPTS = 5;

/** The operation named in this module's storage errors. */
const OPERATION = 'creating jobs';

/** One call waiting to be merged: its jobs, and who may run a lone Enqueued job at once. */
interface PendingCall {
  readonly rows: JobRow[];
  readonly claimOffer: ClaimOffer | undefined;
}

/**
 * Creates jobs. Concurrent calls outside a caller's transaction are merged:
 * while one statement runs, the calls that arrive meanwhile wait and go
 * together in the next, as one multi-row insert with one commit (and one
 * NOTIFY per queue). A lone call goes at once, so nothing waits on a timer.
 * Each call still gets its own ids, and its own error: if a merged statement
 * is refused by the database (nothing was stored), each call is retried
 * alone so one bad call cannot fail the others. A lone call of one Enqueued
 * job may be claimed for an idle worker of a server in this process as it is
 * created (see LocalClaim); merged calls never are, so a burst keeps its one
 * statement.
 */
export class JobCreator {
  private readonly merged: Coalescer<PendingCall, Result<JobId[], StorageError>>;

  constructor(private readonly runner: StatementRunner, private readonly sql: CreationStatements) {
    this.merged = new Coalescer((calls) => this.insertMerged(calls), 64);
  }

  create(jobs: readonly NewJob[], transaction?: Queryable, claimOffer?: ClaimOffer): ResultAsync<JobId[], StorageError> {
    const rows = Result.combine(jobs.map(toRow));
    if (rows.isErr()) return errAsync(rows.error);
    if (rows.value.some((row) => row.uniqueKey !== null)) {
      return errAsync({ kind: 'InvalidInput', operation: OPERATION, message: 'a job with a uniqueKey is created alone (createUniqueJob), not in a batch' });
    }
    if (transaction !== undefined || rows.value.length > MERGE_AT_MOST) return this.insert(rows.value, transaction);
    // The coalescer's promise carries a Result and never rejects: adopted as it is, without a step of its own.
    return new ResultAsync(this.merged.submit({ rows: rows.value, claimOffer }));
  }

  /** One job with a unique key: created, or the id of the job holding the key (see create-unique-job.ts). */
  createUnique(job: NewJob, transaction?: Queryable): ResultAsync<UniqueCreation, StorageError> {
    const row = toRow(job);
    if (row.isErr()) return errAsync(row.error);
    if (row.value.uniqueKey === null) return errAsync({ kind: 'InvalidInput', operation: OPERATION, message: 'a unique creation needs a uniqueKey' });
    return ResultAsync.fromSafePromise(this.insertUnique(row.value, transaction)).andThen((result) => result);
  }

  private async insertUnique(r: JobRow, on: Queryable | undefined): Promise<Result<UniqueCreation, StorageError>> {
    const values = [r.queue, r.state, r.typeName, r.methodName, r.payload, r.displayName, r.runAt, r.parentId, r.on, r.recurringId, r.reason, this.sql.channel, r.uniqueKey, ...parameterColumns(r)];
    for (let attempt = 1; attempt <= UNIQUE_CREATION_ATTEMPTS; attempt++) {
      const result = await this.runner.rows<{ id: string; created: boolean }>(OPERATION, this.sql.createUniqueJob, values, on);
      if (result.isErr()) return err(result.error);
      const found = result.value[0];
      if (found !== undefined) return ok({ id: found.id, created: found.created });
    }
    return err(databaseError(OPERATION, new Error(`the job holding unique key ${JSON.stringify(r.uniqueKey)} was neither found nor replaced in ${UNIQUE_CREATION_ATTEMPTS} attempts`)));
  }

  private async insertMerged(calls: PendingCall[]): Promise<Result<JobId[], StorageError>[]> {
    if (calls.length === 1) return [await this.insertAlone(calls[0] as PendingCall)];
    const inserted = await this.insert(calls.flatMap((call) => call.rows));
    if (inserted.isOk()) {
      let offset = 0;
      return calls.map(({ rows }) => ok(inserted.value.slice(offset, (offset += rows.length))));
    }
    // Without an answer the commit may have happened: retrying could create the jobs twice.
    if (!refusedByDatabase(inserted.error)) return calls.map(() => err(inserted.error));
    return Promise.all(calls.map(({ rows }) => this.insert(rows)));
  }

  private async insertAlone({ rows, claimOffer }: PendingCall): Promise<Result<JobId[], StorageError>> {
    const row = rows.length === 1 ? rows[0] : undefined;
    const claim = row?.state === 'Enqueued' ? claimOffer?.(row.queue) : undefined;
    if (row === undefined || claim === undefined) return this.insert(rows);
    const created = await this.insertClaimed(row, claim);
    if (created.isErr()) {
      claim.release();
      return err(created.error);
    }
    const { id, claimed } = created.value;
    if (claimed) claim.launch(decodeFetchedRow(created.value));
    else claim.release();
    return ok([id]);
  }

  private insertClaimed(r: JobRow, claim: LocalClaim): ResultAsync<ClaimedRow, StorageError> {
    const values = [
      r.queue, r.typeName, r.methodName, r.payload, r.displayName, r.recurringId, r.reason, this.sql.channel,
      claim.queuesUpTo, claim.owner, claim.leaseMs, claim.request ?? null,
    ];
    const parameters = r.parameters.length > 0;
    return this.runner
      .rows<ClaimedRow>(OPERATION, parameters ? this.sql.createClaimedJobWithParameters : this.sql.createClaimedJob, parameters ? [...values, ...parameterColumns(r)] : values)
      .andThen((result) => (result[0] === undefined ? errAsync(databaseError(OPERATION, new Error('the insert returned no row'))) : okAsync(result[0])));
  }

  private insert(rows: readonly JobRow[], on?: Queryable): ResultAsync<JobId[], StorageError> {
    if (rows.length === 1) {
      const r = rows[0] as JobRow;
      const values = [r.queue, r.state, r.typeName, r.methodName, r.payload, r.displayName, r.runAt, r.parentId, r.on, r.recurringId, r.reason, this.sql.channel];
      const parameters = r.parameters.length > 0;
      return idsOf(this.runner.rows<{ id: string }>(OPERATION, parameters ? this.sql.createJobWithParameters : this.sql.createJob, parameters ? [...values, ...parameterColumns(r)] : values, on));
    }
    const paramOrdinal: number[] = [], paramName: string[] = [], paramValue: string[] = [];
    rows.forEach((row, index) => {
      for (const [name, value] of row.parameters) {
        paramOrdinal.push(index + 1);
        paramName.push(name);
        paramValue.push(value);
      }
    });
    const column = <T>(pick: (row: JobRow) => T): T[] => rows.map(pick);
    return idsOf(this.runner.rows<{ id: string }>(OPERATION, this.sql.createJobs, [
      column((r) => r.queue), column((r) => r.state), column((r) => r.typeName), column((r) => r.methodName), column((r) => r.payload),
      column((r) => r.displayName), column((r) => r.runAt), column((r) => r.parentId), column((r) => r.on), column((r) => r.recurringId),
      column((r) => r.reason), paramOrdinal, paramName, paramValue, this.sql.channel,
    ], on));
  }
}

/** The ids the creating statements return, in order. */
function idsOf(rows: ResultAsync<{ id: string }[], StorageError>): ResultAsync<JobId[], StorageError> {
  return mapOk(rows, (found) => found.map((row) => row.id));
}

/** A job's parameters as the single-job statements take them: names, then values. */
function parameterColumns(r: JobRow): [string[], string[]] {
  return [r.parameters.map(([name]) => name), r.parameters.map(([, value]) => value)];
}

/** Checks one new job and encodes it as one row of the statements' parameters. */
function toRow(job: NewJob): Result<JobRow, StorageError> {
  const op = 'creating a job';
  return Result.combine([
    checkQueueName(job.queue, op),
    checkName(job.typeName, 'Type name', op),
    toJsonText(job.payload, op),
    job.state.name === 'Awaiting' ? parseJobId(job.state.parentId, op) : ok<null, StorageError>(null),
    job.uniqueKey === undefined ? ok<null, StorageError>(null) : checkName(job.uniqueKey, 'Unique key', op),
    job.state.name === 'Scheduled' && !(job.state.runAt instanceof Date && Number.isFinite(job.state.runAt.getTime()) && job.state.runAt.getTime() <= LATEST_RUN_AT_MS)
      ? err<never, StorageError>({ kind: 'InvalidInput', operation: op, message: 'a Scheduled job needs a valid runAt date, at the latest in the year 9999' })
      : ok<null, StorageError>(null),
    Result.combine(Object.entries(job.parameters ?? {}).map(([name, value]) =>
      Result.combine([checkName(name, 'Parameter name', op), toJsonText(value, op)]))),
  ]).map(([queue, typeName, payload, parentId, uniqueKey, , parameters]) => ({
    queue, state: job.state.name, typeName, methodName: job.methodName ?? null, payload, displayName: job.displayName ?? null,
    runAt: job.state.name === 'Scheduled' ? job.state.runAt : null, parentId, on: job.state.name === 'Awaiting' ? job.state.on : null,
    recurringId: job.recurringId ?? null, reason: job.reason ?? null,
    parameters: parameters.map(([name, value]) => [name, value] as const), uniqueKey,
  }));
}

