import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { fromStorageError } from '../jobs/job-error.js';
import type { JobStorage } from '../storage/job-storage.js';
import { FINAL_STATES, type JobId } from '../storage/job-types.js';
import type { StorageError } from '../storage/storage-error.js';
import type { ExecutionError } from './execution-error.js';
import { decodeStoredResult } from './stored-result.js';

/**
 * Questions about jobs that ran (the seeds' `IJobExecutionService`). Every
 * method returns a `ResultAsync`; see {@link ExecutionError} for the errors.
 */
export interface IJobExecutionService {
  /**
   * When the newest successful run of `key` finished: `key` is a recurring
   * job id or a job type name (a request's stable type name, or a job
   * service's name). `null` when it never succeeded. Expiration deleting
   * the successful jobs does not forget it, nor a successful job requeued or
   * deleted by hand: the newest success of each key is kept when its job
   * leaves Succeeded. Indexed lookups, whatever the history's size.
   */
  getLastSuccessfulRun(key: string): ResultAsync<Date | null, ExecutionError>;
  /** The items of job `jobId`'s response, when it is a list (`ResultNotAList` otherwise). Decoded: Dates and bigints intact. */
  getJobResultReturnedItems<T = unknown>(jobId: JobId): ResultAsync<T[], ExecutionError>;
  /** Job `jobId`'s response, decoded. The type `T` is the caller's claim: it is not checked. */
  getJobResultReturnedItem<T = unknown>(jobId: JobId): ResultAsync<T, ExecutionError>;
}

/** {@link IJobExecutionService} over a job storage. */
export class JobExecutionService implements IJobExecutionService {
  readonly #storage: JobStorage;

  constructor(storage: JobStorage) {
    this.#storage = storage;
  }

  getLastSuccessfulRun(key: string): ResultAsync<Date | null, ExecutionError> {
    return this.#storage
      .lastSucceededAt(key)
      .map((at) => at ?? null)
      .mapErr(toExecutionError);
  }

  getJobResultReturnedItems<T = unknown>(jobId: JobId): ResultAsync<T[], ExecutionError> {
    return this.#result(jobId).andThen((value) =>
      Array.isArray(value)
        ? okAsync(value as T[])
        : errAsync<T[], ExecutionError>({ kind: 'ResultNotAList', jobId, message: `The result of job ${jobId} is ${describe(value)}, not a list.` }),
    );
  }

  getJobResultReturnedItem<T = unknown>(jobId: JobId): ResultAsync<T, ExecutionError> {
    return this.#result(jobId).map((value) => value as T);
  }

  /**
   * The decoded result of a Succeeded job; otherwise the state says why there
   * is none. State and result are read in one statement: a job that expires
   * between two reads would look like one that succeeded returning nothing.
   */
  #result(jobId: JobId): ResultAsync<unknown, ExecutionError> {
    return this.#storage
      .getOutcomes([jobId], [jobId])
      .mapErr(toExecutionError)
      .andThen((outcomes) => {
        const outcome = outcomes.get(jobId);
        if (outcome === undefined) return errAsync<never, ExecutionError>({ kind: 'JobNotFound', jobId, message: `Job ${jobId} does not exist (never created, or expired).` });
        const { state, result } = outcome;
        if (!FINAL_STATES.includes(state)) return errAsync<never, ExecutionError>({ kind: 'NotFinished', jobId, state, message: `Job ${jobId} has not finished yet: it is ${state}.` });
        if (state !== 'Succeeded') return errAsync<never, ExecutionError>({ kind: 'NoResult', jobId, state, message: `Job ${jobId} has no result: it is ${state}.` });
        if (result === undefined) return errAsync<never, ExecutionError>({ kind: 'NoResult', jobId, state, message: `Job ${jobId} succeeded returning nothing.` });
        const decoded = decodeStoredResult(result, jobId);
        return decoded.isOk() ? okAsync(decoded.value) : errAsync(decoded.error);
      });
  }
}

function toExecutionError(error: StorageError): ExecutionError {
  const mapped = fromStorageError(error);
  if (mapped.kind === 'InvalidOptions' || mapped.kind === 'JobNotFound' || mapped.kind === 'StorageFailed') return mapped;
  return { kind: 'StorageFailed', error, message: mapped.message };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return 'a Date';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
