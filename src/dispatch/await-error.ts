import type { JobError } from '../jobs/job-error.js';
import type { JobId } from '../storage/job-types.js';

/** What a Failed job's state recorded about its last failure. */
export interface JobFailure {
  /** The error's class name, or the `kind` of an error value (`HandlerFailed`, a domain error's kind...). */
  readonly errorType: string;
  readonly message: string;
  /** The stack of the error the handler threw, when there was one. */
  readonly stack: string | null;
  /** The Failed state's reason, as the history shows it. */
  readonly reason: string | undefined;
  /** When the job became Failed. */
  readonly failedAt: Date;
}

/**
 * Why `enqueueAwait` / `dispatchAwait` gave no response. On top of the
 * {@link JobError} of creating the job (and of reading it back:
 * `StorageFailed`, `JobNotFound` when it vanished, `Unserializable` when the
 * stored response no longer decodes):
 *
 * - `JobFailed`: the job reached Failed, after any retries; `error` is the
 *   failure its Failed state recorded.
 * - `JobDeleted`: the job was deleted (by a client, a filter, or a
 *   continuation whose parent ended otherwise) before it succeeded.
 * - `Timeout`: `timeout` ms passed first; the job is left as it is and may
 *   still run.
 * - `Aborted`: the caller's signal was aborted; the job is left as it is.
 *   `jobId` is absent when the signal was aborted, or the completion watcher
 *   closed, before the job was created (then nothing was created).
 */
export type AwaitError =
  | JobError
  | { readonly kind: 'JobFailed'; readonly jobId: JobId; readonly error: JobFailure; readonly message: string }
  | { readonly kind: 'JobDeleted'; readonly jobId: JobId; readonly reason: string | undefined; readonly message: string }
  | { readonly kind: 'Timeout'; readonly jobId: JobId; readonly timeoutMs: number; readonly message: string }
  | { readonly kind: 'Aborted'; readonly jobId: JobId | undefined; readonly message: string };

export function timedOut(jobId: JobId, timeoutMs: number): AwaitError {
  return { kind: 'Timeout', jobId, timeoutMs, message: `Job ${jobId} did not finish within ${timeoutMs} ms; it was left as it is and may still run.` };
}

export function aborted(jobId: JobId | undefined, why = 'the caller aborted the wait'): AwaitError {
  return {
    kind: 'Aborted',
    jobId,
    message: jobId === undefined ? `Nothing was created: ${why} before the job was stored.` : `Stopped waiting for job ${jobId}: ${why}; the job was left as it is.`,
  };
}
