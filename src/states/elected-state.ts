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
  if (isHandlerFailure(error)) return failureDetails(error.cause);
  if (error instanceof Error) return { errorType: error.name, message: error.message, stack: error.stack ?? null };
  if (typeof error === 'object' && error !== null) {
    const record = error as Record<string, unknown>;
    const cause = record.cause instanceof Error ? record.cause : undefined;
    const errorType = typeof record.kind === 'string' ? record.kind : typeof record.name === 'string' ? record.name : 'Error';
    const message = typeof record.message === 'string' ? record.message : cause?.message ?? (isMediatorError(record) ? formatMediatorError(record) : safeJson(error));
    return { errorType, message, stack: cause?.stack ?? null };
  }
  return { errorType: typeof error, message: String(error), stack: null };
}

const MEDIATOR_ERROR_KINDS: ReadonlySet<string> = new Set(['InvalidRequest', 'InvalidNotification', 'Aborted', 'NoHandler', 'HandlerResolutionFailed', 'BehaviorResolutionFailed', 'BehaviorFailed', 'PublishFailed']);

/** A mediator error without a message of its own (a handler returned what publish reported, say): described by the mediator's formatter. */
function isMediatorError(error: Record<string, unknown>): error is Record<string, unknown> & (MediatorError | PublishError) {
  return typeof error.kind === 'string' && MEDIATOR_ERROR_KINDS.has(error.kind);
}

function isHandlerFailure(error: unknown): error is { kind: 'HandlerFailed'; cause: unknown } {
  return typeof error === 'object' && error !== null && (error as { kind?: unknown }).kind === 'HandlerFailed' && 'cause' in error;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
