import { err, errAsync, ok, ResultAsync, type Result } from 'neverthrow';
import { fromStorageError, jobNotFound } from '../jobs/job-error.js';
import type { JobStorage } from '../storage/job-storage.js';
import type { JobId, StateRecord } from '../storage/job-types.js';
import type { AwaitError, JobFailure } from './await-error.js';
import type { FinalState } from './completion-watcher.js';
import { decodeStoredResult } from './stored-result.js';

/**
 * What a finished job means to whoever awaited it: the decoded response of a
 * Succeeded job (`undefined` when the handler returned nothing), or
 * `JobFailed` with the failure its Failed state recorded, or `JobDeleted`.
 */
export function readJobOutcome(storage: JobStorage, jobId: JobId, state: FinalState): ResultAsync<unknown, AwaitError> {
  if (state === 'Succeeded') return new ResultAsync(readResponse(storage, jobId));
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

/** The decoded response of a Succeeded job: one async step, as every enqueueAwait ends here. */
async function readResponse(storage: JobStorage, jobId: JobId): Promise<Result<unknown, AwaitError>> {
  const text = await storage.getResult(jobId);
  if (text.isErr()) return err(fromStorageError(text.error));
  return text.value === undefined ? ok(undefined) : decodeStoredResult(text.value, jobId);
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
