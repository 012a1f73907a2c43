import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { fromStorageError, jobNotFound } from '../jobs/job-error.js';
import type { JobStorage } from '../storage/job-storage.js';
import type { JobId, StateRecord } from '../storage/job-types.js';
import type { AwaitError, JobFailure } from './await-error.js';
import type { FinishedJob } from './completion-watcher.js';
import { decodeStoredResult } from './stored-result.js';

/**
 * What a finished job means to whoever awaited it: the decoded response of a
 * Succeeded job (`undefined` when the handler returned nothing), or
 * `JobFailed` with the failure its Failed state recorded, or `JobDeleted`.
 */
export function readJobOutcome(storage: JobStorage, jobId: JobId, finished: FinishedJob): ResultAsync<unknown, AwaitError> {
  const { state } = finished;
  // The result was read with the state (CompletionWatcher.waitForOutcome), in one snapshot: no second read,
  // and no job expired between two reads that would look like a handler that returned nothing.
  if (state === 'Succeeded') {
    if (finished.result === undefined) return okAsync(undefined);
    const decoded = decodeStoredResult(finished.result, jobId);
    return decoded.isOk() ? okAsync(decoded.value) : errAsync(decoded.error);
  }
  return storage
    .jobDetails(jobId)
    .mapErr(fromStorageError)
    .andThen((details) => {
      if (details === undefined) return errAsync<never, AwaitError>(jobNotFound(jobId));
      // History is newest first: the entry of the final state the job reached.
      const entry = details.history.find((record) => record.name === state);
      if (state === 'Deleted') {
        const reason = entry?.reason;
        return errAsync<never, AwaitError>({ kind: 'JobDeleted', jobId, reason, message: `Job ${jobId} was deleted before it succeeded${reason === undefined ? '' : `: ${reason}`}` });
      }
      const error = failureOf(entry, details.stateChangedAt);
      return errAsync<never, AwaitError>({ kind: 'JobFailed', jobId, error, message: `Job ${jobId} failed: ${error.message}` });
    });
}

function failureOf(entry: StateRecord | undefined, stateChangedAt: Date): JobFailure {
  const data = entry?.data ?? {};
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  return {
    errorType: text(data.errorType) ?? 'Error',
    message: text(data.message) ?? entry?.reason ?? 'the job failed (no details were recorded)',
    stack: text(data.stack) ?? null,
    reason: entry?.reason,
    failedAt: entry?.createdAt ?? stateChangedAt,
  };
}
