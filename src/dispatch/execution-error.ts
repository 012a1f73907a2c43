import type { CodecError } from '../jobs/payload-codec.js';
import type { JobId, StateName } from '../storage/job-types.js';
import type { StorageError } from '../storage/storage-error.js';

/**
 * Why `IJobExecutionService` could not answer:
 *
 * - `JobNotFound`: no such job (never created, or expired).
 * - `NotFinished`: the job has not finished yet; `state` is where it is now.
 * - `NoResult`: the job finished without a stored result: it Failed or was
 *   Deleted (`state`), or it Succeeded returning nothing.
 * - `ResultNotAList`: the items of a result were asked for, but the result is not a list.
 * - `Unserializable`: the stored result no longer decodes (edited by hand).
 * - `InvalidOptions`: not a job id, or an empty or over-long key.
 * - `StorageFailed`: the database failed.
 */
export type ExecutionError =
  | { readonly kind: 'JobNotFound'; readonly jobId: JobId; readonly message: string }
  | { readonly kind: 'NotFinished'; readonly jobId: JobId; readonly state: StateName; readonly message: string }
  | { readonly kind: 'NoResult'; readonly jobId: JobId; readonly state: StateName; readonly message: string }
  | { readonly kind: 'ResultNotAList'; readonly jobId: JobId; readonly message: string }
  | CodecError
  | { readonly kind: 'InvalidOptions'; readonly message: string }
  | { readonly kind: 'StorageFailed'; readonly error: StorageError; readonly message: string };
