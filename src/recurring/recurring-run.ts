import type { Result } from 'neverthrow';
import type { JobError } from '../jobs/job-error.js';
import { fromStoredInvocation, type Job, type JobCatalog } from '../jobs/job-invocation.js';
import type { Invocation } from '../storage/job-types.js';

/** The parameter every run of a recurring job carries: the definition's id. */
export const RECURRING_JOB_ID_PARAMETER = 'RecurringJobId';

/** The parameter a scheduled run carries: the tick it stands for, as an ISO 8601 UTC string (absent on a trigger). */
export const RECURRING_TICK_PARAMETER = 'RecurringTick';

/**
 * The job a recurring definition stores, restored as something the client can
 * enqueue again: the request, or the method call. A type that is no longer
 * registered, or a payload that no longer fits, is the error
 * `fromStoredInvocation` reports.
 */
export function restoreJob(invocation: Invocation, catalog: JobCatalog): Result<Job, JobError> {
  return fromStoredInvocation(invocation, catalog).map((runnable) =>
    runnable.kind === 'request' ? runnable.request : { service: runnable.service, method: runnable.method, args: runnable.args },
  );
}
