import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { fromStorageError, jobNotFound, type JobError } from '../jobs/job-error.js';
import type { ElectedState } from '../states/elected-state.js';
import type { StateMachine } from '../states/state-machine.js';
import type { JobStorage } from '../storage/job-storage.js';
import type { JobId, StateName } from '../storage/job-types.js';

/** How often a manual change re-reads the state when the job moved on between read and write. */
const MAX_ATTEMPTS = 5;

/**
 * A manual state change (delete, requeue) through the state machine: reads the
 * current state, then applies the change guarded by it. A job that moves on in
 * between (a worker finished it) is read again. Resolves false when the job
 * is in none of the `from` states.
 */
export function changeJobState(storage: JobStorage, states: StateMachine, jobId: JobId, from: readonly StateName[], candidate: ElectedState, attempt = 1): ResultAsync<boolean, JobError> {
  return storage
    .jobDetails(jobId)
    .mapErr(fromStorageError)
    .andThen((job) => {
      if (job === undefined) return errAsync<boolean, JobError>(jobNotFound(jobId));
      if (!from.includes(job.state)) return okAsync(false);
      return states
        .transition({
          job: { jobId, typeName: job.typeName, methodName: job.methodName, queue: job.queue, retryCount: job.retryCount },
          currentState: job.state,
          candidate,
        })
        .andThen((outcome) => {
          if (outcome.applied) return okAsync(true);
          if (attempt >= MAX_ATTEMPTS) return okAsync(false);
          return changeJobState(storage, states, jobId, from, candidate, attempt + 1);
        });
    });
}
