import type { InputRefusal, StorageError } from '../storage/storage-error.js';
import type { CodecError } from './payload-codec.js';

/**
 * Why a job could not be created, found or changed. Every client call returns
 * one of these instead of throwing.
 */
export type JobError =
  /** The request's type has no registered handler, so no worker could run it. */
  | { readonly kind: 'UnknownRequestType'; readonly typeName: string; readonly message: string }
  /** The method call names a class that is not registered as a job service, or a method it does not have. */
  | { readonly kind: 'UnknownService'; readonly serviceName: string; readonly message: string }
  /**
   * The function given to record a service method call did not make exactly
   * one call of a method of the service (it read a property, made no call, two
   * calls or a nested call, or used what the call returned).
   */
  | { readonly kind: 'InvalidMethodCall'; readonly serviceName: string; readonly message: string }
  /** Part of the payload or arguments cannot be stored (a function, a cycle...). */
  | CodecError
  /**
   * Options that make no sense (a negative delay, an invalid queue name, an invalid date),
   * or a change the storage refused for its input; `refusal` then names the refusals a caller may act on.
   */
  | { readonly kind: 'InvalidOptions'; readonly message: string; readonly refusal?: InputRefusal }
  /** A client filter canceled the creation. */
  | { readonly kind: 'CreationCanceled'; readonly reason: string; readonly message: string }
  /** No job with this id. */
  | { readonly kind: 'JobNotFound'; readonly jobId: string; readonly message: string }
  /** The job is not in a state this operation applies to. */
  | { readonly kind: 'InvalidState'; readonly jobId: string; readonly state: string; readonly message: string }
  /** A filter threw; its error is the cause. */
  | { readonly kind: 'FilterFailed'; readonly filter: string; readonly cause: unknown; readonly message: string }
  /** The database failed. */
  | { readonly kind: 'StorageFailed'; readonly error: StorageError; readonly message: string }
  /** A recurring job's cron expression is empty, malformed, too long, or never fires. */
  | { readonly kind: 'InvalidCron'; readonly cron: string; readonly message: string }
  /** A recurring job's time zone is not an IANA zone this runtime knows. */
  | { readonly kind: 'InvalidTimeZone'; readonly timeZone: string; readonly message: string }
  /** No recurring job with this id. */
  | { readonly kind: 'RecurringJobNotFound'; readonly id: string; readonly message: string };

/** Wraps a storage error as a job error. */
export function storageFailed(error: StorageError): JobError {
  return { kind: 'StorageFailed', error, message: 'message' in error ? error.message : `storage error: ${error.kind}` };
}

/** A storage error as the client reports it: bad input (a malformed id, an invalid queue name) is the caller's, the rest is storage's. */
export function fromStorageError(error: StorageError): JobError {
  if (error.kind === 'InvalidInput') return error.refusal === undefined ? { kind: 'InvalidOptions', message: error.message } : { kind: 'InvalidOptions', message: error.message, refusal: error.refusal };
  if (error.kind === 'JobNotFound') return jobNotFound(error.jobId);
  return storageFailed(error);
}

export function jobNotFound(jobId: string): JobError {
  return { kind: 'JobNotFound', jobId, message: `Job ${jobId} does not exist (never created, or expired).` };
}

export function recurringJobNotFound(id: string): JobError {
  return { kind: 'RecurringJobNotFound', id, message: `Recurring job ${JSON.stringify(id)} does not exist.` };
}
