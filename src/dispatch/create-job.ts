import { errAsync, type ResultAsync } from 'neverthrow';
import type { BackgroundJobClient } from '../client/background-job-client.js';
import type { JobError } from '../jobs/job-error.js';
import type { Job } from '../jobs/job-invocation.js';
import type { JobStorage } from '../storage/job-storage.js';
import type { JobId } from '../storage/job-types.js';
import { aborted, type AwaitError } from './await-error.js';
import { invalidTimeout, type CompletionWatcher } from './completion-watcher.js';
import { ENQUEUE_AWAIT_OPTION_NAMES, JOB_ENQUEUE_OPTION_NAMES, type EnqueueAwaitOptions, type JobEnqueueOptions } from './dispatch-options.js';
import { checkOptionNames, optionsNotTaken, unknownOptionNames } from '../client/option-names.js';
import { readJobOutcome } from './job-outcome.js';

/** What creating and awaiting a job needs. */
export interface JobCreation {
  readonly client: BackgroundJobClient;
  readonly storage: JobStorage;
  readonly watcher: CompletionWatcher;
}

/**
 * Creates the job now, later or as a continuation, as `options` say;
 * contradictory or unknown options are `InvalidOptions`. `call` names the
 * public method in that error.
 */
export function createJob(client: BackgroundJobClient, job: Job, given: JobEnqueueOptions = {}, call = 'enqueue'): ResultAsync<JobId, JobError> {
  const named = checkOptionNames(given, call, JOB_ENQUEUE_OPTION_NAMES);
  if (named.isErr()) return errAsync(named.error);
  // JavaScript callers pass null for "no options".
  const options = given ?? {};
  const base = { queue: options.queue, parameters: options.parameters, transaction: options.transaction, uniqueKey: options.uniqueKey };
  const delayed = options.delay !== undefined || options.runAt !== undefined;
  if (options.delay !== undefined && options.runAt !== undefined) return invalid('give delay or runAt, not both');
  // schedule() reads a number as a delay: a runAt that is not a Date would silently mean "in N ms".
  if (options.runAt !== undefined && !(options.runAt instanceof Date)) return invalid(`runAt must be a Date, not ${typeof options.runAt}`);
  if (options.continueFrom !== undefined) {
    if (delayed) return invalid('a continuation runs when its parent finishes: it takes no delay or runAt');
    return client.continueWith(options.continueFrom, job, { ...base, on: options.on });
  }
  if (options.on !== undefined) return invalid('on applies only to a continuation (continueFrom)');
  if (options.delay !== undefined) return client.schedule(job, options.delay, base);
  if (options.runAt !== undefined) return client.schedule(job, options.runAt, base);
  return client.enqueue(job, base);
}

/**
 * Creates the job, then waits until it reaches a final state and reads what
 * that means: the decoded response, or `JobFailed` / `JobDeleted`.
 */
export function createAndAwait(creation: JobCreation, job: Job, given: EnqueueAwaitOptions = {}, call = 'enqueueAwait'): ResultAsync<unknown, AwaitError> {
  // Before anything else reads them: a string given as options would make `in` below throw.
  const unknown = unknownOptionNames(given, call, ENQUEUE_AWAIT_OPTION_NAMES);
  if (unknown.isErr()) return errAsync(unknown.error);
  if (unknown.value.includes('transaction')) {
    return invalid(`${call} takes no transaction: the job would not exist for anyone until the caller commits`);
  }
  if (unknown.value.length > 0) return errAsync(optionsNotTaken(call, unknown.value, ENQUEUE_AWAIT_OPTION_NAMES));
  // JavaScript callers pass null for "no options", as in createJob.
  const options = given ?? {};
  const { timeout, signal, ...where } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) return invalid('signal must be an AbortSignal');
  if (signal?.aborted === true) return errAsync(aborted(undefined));
  // Before creating: a job nobody could wait for would be left behind, and a caller retrying on Aborted would create it again.
  if (creation.watcher.closed) return errAsync(aborted(undefined, 'the completion watcher is closed'));
  const badTimeout = invalidTimeout(timeout);
  if (badTimeout !== undefined) return invalid(badTimeout);
  return createJob(creation.client, job, where, call).andThen((jobId) =>
    creation.watcher.waitForOutcome(jobId, { timeoutMs: timeout, signal }).andThen((finished) => readJobOutcome(creation.storage, jobId, finished)),
  );
}

function invalid(message: string): ResultAsync<never, JobError> {
  return errAsync({ kind: 'InvalidOptions', message });
}
