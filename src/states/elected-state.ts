import { isErrorSafely, readSafely, readText, stringOf, textOf } from '../logging/read-safely.js';
import { formatMediatorError } from '../mediator/format-mediator-error.js';
import type { MediatorError, PublishError } from '../mediator/mediator-error.js';
import type { JsonValue, StateName } from '../storage/job-types.js';
import type { TargetState } from '../storage/state-change.js';

/** A state proposed for a job: where it goes, why, and what the history records with it. */
export interface ElectedState {
  readonly to: TargetState;
  readonly reason?: string | undefined;
  readonly data?: Readonly<Record<string, JsonValue>> | undefined;
}

/** A state that was proposed and then replaced by a filter: kept in the history. */
export interface RecordedState {
  readonly name: StateName;
  readonly reason?: string | undefined;
  readonly data?: Readonly<Record<string, JsonValue>> | undefined;
}

/** The error details the Failed state records (as Hangfire's FailedState does). */
export interface FailureDetails {
  readonly [key: string]: JsonValue;
  readonly errorType: string;
  readonly message: string;
  readonly stack: string | null;
}

/**
 * Error type, message and stack of anything a handler threw or returned as an
 * error. A throw reaches the worker wrapped by the mediator as `HandlerFailed`;
 * what is recorded is what the handler threw (its class name, message and
 * stack, as Hangfire records the exception), not the wrapper.
 */
export function failureDetails(error: unknown): FailureDetails {
  // Every read is guarded (read-safely.ts): whatever was thrown, the job must still be recorded as Failed.
  if (isHandlerFailure(error)) return failureDetails(readSafely(error, 'cause'));
  if (isErrorSafely(error)) {
    return { errorType: readText(error, 'name') ?? 'Error', message: readText(error, 'message') ?? UNREADABLE_MESSAGE, stack: readText(error, 'stack') ?? null };
  }
  if (typeof error === 'object' && error !== null) {
    const read = readSafely(error, 'cause');
    const cause = isErrorSafely(read) ? read : undefined;
    const kind = readText(error, 'kind');
    const errorType = kind ?? readText(error, 'name') ?? 'Error';
    const message =
      readText(error, 'message') ??
      (cause === undefined ? undefined : readText(cause, 'message')) ??
      (kind !== undefined && MEDIATOR_ERROR_KINDS.has(kind) ? formatMediatorError(error as MediatorError | PublishError) : textOf(error));
    return { errorType, message, stack: (cause === undefined ? undefined : readText(cause, 'stack')) ?? null };
  }
  return { errorType: typeof error, message: stringOf(error), stack: null };
}

const UNREADABLE_MESSAGE = '(the error\'s message could not be read)';

const MEDIATOR_ERROR_KINDS: ReadonlySet<string> = new Set(['InvalidRequest', 'InvalidNotification', 'Aborted', 'NoHandler', 'HandlerResolutionFailed', 'BehaviorResolutionFailed', 'BehaviorFailed', 'PublishFailed']);

function isHandlerFailure(error: unknown): error is object {
  if (typeof error !== 'object' || error === null || readSafely(error, 'kind') !== 'HandlerFailed') return false;
  try {
    return 'cause' in error;
  } catch {
    return false;
  }
}
