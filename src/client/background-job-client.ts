import { err, errAsync, ok, okAsync, Result, ResultAsync } from 'neverthrow';
import type { JobFilterRegistry } from '../filters/filter-registry.js';
import { cancelReason, type CreatingContext } from '../filters/job-filter.js';
import { fromStorageError as createFailed, jobNotFound as notFound, type JobError } from '../jobs/job-error.js';
import { toStoredInvocation, type Job, type JobCatalog, type StoredInvocation } from '../jobs/job-invocation.js';
import { decodePayload, encodePayload } from '../jobs/payload-codec.js';
import { describeError, type Logger } from '../logging/logger.js';
import { checkName, quoteForMessage } from '../storage/input-validation.js';
import type { JobStorage, WriteOptions } from '../storage/job-storage.js';
import type { ContinuationOption, InitialState, JobId, JsonValue, NewJob } from '../storage/job-types.js';
import type { LocalWorkers } from '../server/local-workers.js';
import type { StateMachine } from '../states/state-machine.js';
import { BATCH_ENTRY_OPTION_NAMES, CONTINUATION_OPTION_NAMES, ENQUEUE_OPTION_NAMES, type ContinuationOptions, type EnqueueOptions, type RunAt } from './job-options.js';
import { checkOptionNames } from './option-names.js';
import { givesUniqueKey, uniqueKeyNotTaken } from './unique-key-option.js';
import { checkBatchOptions, checkEntryOptions } from './batch-options.js';
import { changeJobState } from './change-job-state.js';
import { mapOk } from '../results/map-ok.js';

/** The queue a job goes to when no queue is named. */
export const DEFAULT_QUEUE = 'default';

const CONTINUATION_OPTIONS: readonly ContinuationOption[] = ['succeeded', 'finished', 'deleted'];

/** Why a batch takes no unique key. */
const BATCH_IS_WHOLE = 'a batch is created whole, a keyed job only when its key is free; enqueue keyed jobs one by one';

/** One job of a batch. */
export interface BatchEntry {
  readonly job: Job;
  readonly options?: Omit<EnqueueOptions, 'transaction'> | undefined;
}

/** A job ready to store, with what the client filters need. */
interface Prepared {
  readonly job: Job;
  readonly invocation: StoredInvocation;
  readonly newJob: NewJob;
}

/**
 * Creates and steers jobs (Hangfire's BackgroundJobClient): fire-and-forget,
 * delayed, continuations, batches, delete and requeue. Every call returns a
 * `ResultAsync`; a job that could not run (unregistered type, unstorable
 * payload) is refused here, before anything is stored, and so is an option
 * the call does not take (`InvalidOptions`, naming it).
 */
export class BackgroundJobClient {
  constructor(
    private readonly storage: JobStorage,
    private readonly catalog: JobCatalog,
    private readonly filters: JobFilterRegistry,
    private readonly states: StateMachine,
    private readonly logger: Logger,
    private readonly defaultQueue: string = DEFAULT_QUEUE,
    /** Idle workers of servers in this process, offered each job enqueued alone (see LocalWorkers). */
    private readonly localWorkers?: LocalWorkers,
  ) {}

  /** Stores the job in its queue, where a worker picks it up. */
  enqueue(job: Job, options: EnqueueOptions = {}): ResultAsync<JobId, JobError> {
    const named = checkOptionNames(options, 'enqueue', ENQUEUE_OPTION_NAMES);
    if (named.isErr()) return errAsync(named.error);
    return this.createOne(job, { name: 'Enqueued' }, options ?? {}, 'Enqueued by the client');
  }

  /** Stores the job to run after `runAt` (ms from now, or a Date). */
  schedule(job: Job, runAt: RunAt, options: EnqueueOptions = {}): ResultAsync<JobId, JobError> {
    const named = checkOptionNames(options, 'schedule', ENQUEUE_OPTION_NAMES);
    if (named.isErr()) return errAsync(named.error);
    const at = typeof runAt === 'number' ? new Date(Date.now() + runAt) : runAt;
    if (!(at instanceof Date) || Number.isNaN(at.getTime()) || (typeof runAt === 'number' && !(runAt >= 0))) {
      return errAsync({ kind: 'InvalidOptions', message: `schedule needs a delay of 0 ms or more or a valid Date, not ${String(runAt)}` });
    }
    return this.createOne(job, { name: 'Scheduled', runAt: at }, options ?? {}, `Scheduled for ${at.toISOString()}`);
  }

  /**
   * Stores a continuation: it waits (Awaiting) until the parent reaches the
   * outcome in `on` (default `succeeded`), then joins its queue; when the
   * parent ends otherwise, it is deleted, except that a Failed parent (which
   * may still be requeued by hand) keeps it waiting unless `on` is
   * `finished`.
   */
  continueWith(parentId: JobId, job: Job, given: ContinuationOptions = {}): ResultAsync<JobId, JobError> {
    const named = checkOptionNames(given, 'continueWith', CONTINUATION_OPTION_NAMES);
    if (named.isErr()) return errAsync(named.error);
    // JavaScript callers pass null for "no options".
    const options = given ?? {};
    const on = options.on ?? 'succeeded';
    if (!CONTINUATION_OPTIONS.includes(on)) {
      return errAsync({ kind: 'InvalidOptions', message: `on ${quoteForMessage(on)} is refused: use ${CONTINUATION_OPTIONS.map((o) => `"${o}"`).join(', ')}.` });
    }
    return this.storage
      // Inside the caller's transaction when there is one: the parent may have been created in it.
      .getState(parentId, options.transaction)
      .mapErr(createFailed)
      .andThen((state) => (state === undefined ? errAsync<void, JobError>(notFound(parentId)) : okAsync(undefined)))
      .andThen(() => this.createOne(job, { name: 'Awaiting', parentId, on }, options, `Continuation of job ${parentId} (on ${on})`))
      .andThen((id) => {
        // Check after publishing: if the parent finished before this commit, release now.
        if (options.transaction !== undefined) return okAsync(id);
        return ResultAsync.fromSafePromise(this.states.releaseContinuations([parentId])).map(() => id);
      });
  }

  /**
   * Stores many jobs in one statement; all or none are created. Ids come back
   * in order. Per-job options (queue, parameters) go in `{ job, options }`
   * entries; the second argument takes only `transaction`, for the whole
   * batch. `InvalidOptions` for anything else given there (or a transaction
   * given in an entry) by a JavaScript caller, rather than ignoring it.
   */
  enqueueBatch(entries: readonly (Job | BatchEntry)[], options: Pick<EnqueueOptions, 'transaction'> = {}): ResultAsync<JobId[], JobError> {
    if (!Array.isArray(entries as unknown)) return errAsync({ kind: 'InvalidOptions', message: 'enqueueBatch takes a list of jobs (or { job, options } entries).' });
    // Neither the batch's options nor an entry's: a key given for the whole batch would be as silently lost.
    if (givesUniqueKey(options)) return errAsync(uniqueKeyNotTaken('enqueueBatch', BATCH_IS_WHOLE));
    const checked = checkBatchOptions(options);
    if (checked.isErr()) return errAsync(checked.error);
    const prepared = Result.combine(
      entries.map((entry) => {
        const { job, options: jobOptions } = isBatchEntry(entry) ? entry : { job: entry, options: undefined };
        if (givesUniqueKey(jobOptions)) return err<Prepared, JobError>(uniqueKeyNotTaken('enqueueBatch', BATCH_IS_WHOLE));
        const entryChecked = checkEntryOptions(jobOptions).andThen(() => checkOptionNames(jobOptions, 'An enqueueBatch entry', BATCH_ENTRY_OPTION_NAMES));
        if (entryChecked.isErr()) return err<Prepared, JobError>(entryChecked.error);
        return this.prepare(job, { name: 'Enqueued' }, jobOptions ?? {}, 'Enqueued by the client (batch)');
      }),
    );
    return prepared.asyncAndThen((jobs) => this.store(jobs, { transaction: options?.transaction }));
  }

  /**
   * Deletes a job from any state but Deleted. A Processing job is aborted by
   * the server running it (it hears of the deletion through the database).
   * Resolves false when the job was already deleted.
   */
  delete(jobId: JobId, reason = 'Deleted by the client'): ResultAsync<boolean, JobError> {
    return changeJobState(this.storage, this.states, jobId, ['Enqueued', 'Scheduled', 'Awaiting', 'Processing', 'Succeeded', 'Failed'], { to: { name: 'Deleted' }, reason });
  }

  /** Puts a job back in its queue with its retry count reset (a manual retry). False when it is already enqueued. */
  requeue(jobId: JobId, reason = 'Requeued by the client'): ResultAsync<boolean, JobError> {
    return changeJobState(this.storage, this.states, jobId, ['Scheduled', 'Awaiting', 'Succeeded', 'Failed', 'Deleted'], { to: { name: 'Enqueued', resetRetries: true }, reason });
  }

  /**
   * Sets a named value on a job (Hangfire's SetJobParameter); any storable
   * value. Parameters are named JSON values (filters read them as such), not
   * what the job runs with: a class instance in one is kept as its own fields.
   */
  setParameter(jobId: JobId, name: string, value: unknown): ResultAsync<void, JobError> {
    const checked = checkName(name, 'Parameter name', 'setting a job parameter');
    if (checked.isErr()) return errAsync(createFailed(checked.error));
    return encodePayload(value, `parameter ${name}`, 'own-fields').asyncAndThen((encoded) => this.storage.setParameter(jobId, name, encoded).mapErr(createFailed));
  }

  /** Reads a named value of a job, decoded; `undefined` when the job has no such parameter. */
  getParameter<T = unknown>(jobId: JobId, name: string): ResultAsync<T | undefined, JobError> {
    const checked = checkName(name, 'Parameter name', 'reading a job parameter');
    if (checked.isErr()) return errAsync(createFailed(checked.error));
    return this.storage
      .getParameter(jobId, name)
      .mapErr(createFailed)
      .andThen((value) => (value === undefined ? okAsync(undefined) : decodePayload(value, `parameter ${name}`).map((decoded) => decoded as T)));
  }

  private createOne(job: Job, state: InitialState, options: EnqueueOptions, reason: string): ResultAsync<JobId, JobError> {
    if (givesUniqueKey(options)) {
      return this.prepare(job, state, options, reason).asyncAndThen((prepared) => this.storeUnique(prepared, options.transaction));
    }
    return this.prepare(job, state, options, reason).asyncAndThen((prepared) => {
      // Only an Enqueued job committed by this call may start at once on a local worker (see LocalWorkers),
      // and only when no client filter waits to hear it was created: the claim would start it before onCreated.
      // (As in Hangfire, a server elsewhere may still start a job before its onCreated filters have run.)
      const offer = state.name === 'Enqueued' && options.transaction === undefined && !this.filters.anyHas(prepared.newJob.typeName, 'onCreated') ? this.localWorkers?.offer : undefined;
      return mapOk(this.store([prepared], { transaction: options.transaction, claimOffer: offer }), (ids) => ids[0] as JobId);
    });
  }

  private prepare(job: Job, state: InitialState, options: Omit<EnqueueOptions, 'transaction'>, reason: string): Result<Prepared, JobError> {
    return toStoredInvocation(job, this.catalog).andThen((invocation) =>
      encodeParameters(options.parameters).map((parameters) => ({
        job,
        invocation,
        // Field by field rather than a spread: this runs for every job of every batch.
        newJob: {
          typeName: invocation.typeName, methodName: invocation.methodName, payload: invocation.payload, displayName: invocation.displayName,
          queue: options.queue ?? this.defaultQueue, state, reason, parameters, recurringId: options.recurringId,
          uniqueKey: options.uniqueKey ?? undefined,
        },
      })),
    );
  }

  private store(jobs: readonly Prepared[], options: WriteOptions): ResultAsync<JobId[], JobError> {
    return new ResultAsync(this.storeNow(jobs, options));
  }

  /**
   * Client filters' onCreating, the insert, then their onCreated. One native
   * async function rather than a chain of neverthrow steps, and the filter
   * steps skipped when no filter of these types has them: every enqueue
   * comes through here.
   */
  private async storeNow(jobs: readonly Prepared[], options: WriteOptions): Promise<Result<JobId[], JobError>> {
    const filtered = this.anyFilterHas(jobs, 'onCreating') ? await this.runCreating(jobs) : ok(jobs.map((prepared) => prepared.newJob));
    if (filtered.isErr()) return err(filtered.error);
    const created = await this.storage.createJobs(filtered.value, options);
    if (created.isErr()) return err(createFailed(created.error));
    if (this.anyFilterHas(jobs, 'onCreated')) await this.runCreated(jobs, created.value);
    return ok(created.value);
  }

  private anyFilterHas(jobs: readonly Prepared[], step: 'onCreating' | 'onCreated'): boolean {
    return jobs.some((prepared) => this.filters.anyHas(prepared.invocation.typeName, step));
  }

  /** A job with a unique key: created, or the id of the job holding the key (whose onCreated ran when it was created). */
  private storeUnique(prepared: Prepared, transaction: EnqueueOptions['transaction']): ResultAsync<JobId, JobError> {
    return ResultAsync.fromSafePromise(this.runCreating([prepared]))
      .andThen((filtered) => filtered)
      .andThen(([newJob]) => this.storage.createUniqueJob(newJob as NewJob, { transaction }).mapErr(createFailed))
      .andThen(({ id, created }) => {
        if (created) return ResultAsync.fromSafePromise(this.runCreated([prepared], [id])).map(() => id);
        this.logger.debug(`Job ${id} already holds unique key ${JSON.stringify(prepared.newJob.uniqueKey)}: nothing created`, { jobId: id });
        return okAsync(id);
      });
  }

  /** Client filters' onCreating, in order; a cancel or a throw stops the whole creation. */
  private async runCreating(jobs: readonly Prepared[]): Promise<Result<NewJob[], JobError>> {
    const newJobs: NewJob[] = [];
    for (const prepared of jobs) {
      const filters = this.filters.filtersFor(prepared.invocation.typeName).filter((f) => f.onCreating !== undefined);
      if (filters.length === 0) {
        newJobs.push(prepared.newJob);
        continue;
      }
      let canceled: string | undefined;
      const parameters = new Map<string, JsonValue>(Object.entries(prepared.newJob.parameters ?? {}));
      const context: CreatingContext = {
        job: prepared.job,
        invocation: prepared.invocation,
        queue: prepared.newJob.queue,
        initialState: prepared.newJob.state.name,
        parameters,
        cancel: (reason) => {
          canceled = cancelReason(reason, 'canceled by a client filter');
        },
      };
      for (const filter of filters) {
        try {
          await filter.onCreating?.(context);
        } catch (error) {
          return err({ kind: 'FilterFailed', filter: filter.constructor.name, cause: error, message: `A client filter failed while creating a ${prepared.invocation.typeName} job: ${describeError(error)}` });
        }
        if (canceled !== undefined) {
          return err({ kind: 'CreationCanceled', reason: canceled, message: `Creation of a ${prepared.invocation.typeName} job was canceled by a filter: ${canceled}` });
        }
      }
      newJobs.push({ ...prepared.newJob, parameters: Object.fromEntries(parameters) });
    }
    return ok(newJobs);
  }

  /** Client filters' onCreated; the job exists, so a failing filter is only logged. */
  private async runCreated(jobs: readonly Prepared[], ids: readonly JobId[]): Promise<void> {
    for (const [index, prepared] of jobs.entries()) {
      const jobId = ids[index];
      if (jobId === undefined) continue;
      for (const filter of this.filters.filtersFor(prepared.invocation.typeName)) {
        if (filter.onCreated === undefined) continue;
        try {
          await filter.onCreated({ jobId, job: prepared.job, invocation: prepared.invocation, queue: prepared.newJob.queue });
        } catch (error) {
          this.logger.error(`A client filter failed after job ${jobId} was created: ${describeError(error)}`, { jobId, error });
        }
      }
    }
  }
}

function encodeParameters(parameters: Readonly<Record<string, unknown>> | undefined): Result<Record<string, JsonValue>, JobError> {
  if (parameters === undefined || parameters === null) return ok({});
  // Object.entries would read a string or a list as numbered parameters; refuse instead of guessing.
  if (typeof parameters !== 'object' || Array.isArray(parameters)) {
    return err({ kind: 'InvalidOptions', message: `parameters must be an object of named values, like { tenant: 'acme' }, not ${typeof parameters === 'function' ? 'a function' : Array.isArray(parameters) ? 'a list' : `a ${typeof parameters}`}.` });
  }
  // As setParameter: named JSON values, a class instance kept as its own fields.
  return Result.combine(Object.entries(parameters).map(([name, value]) => encodePayload(value, `parameter ${name}`, 'own-fields').map((encoded) => [name, encoded] as const))).map(
    (entries) => Object.fromEntries(entries),
  );
}

function isBatchEntry(entry: Job | BatchEntry): entry is BatchEntry {
  try {
    return typeof entry === 'object' && entry !== null && 'job' in entry && !('service' in entry);
  } catch {
    // A proxy whose has trap throws is no batch entry; storing it as a job then says what is wrong with it.
    return false;
  }
}

