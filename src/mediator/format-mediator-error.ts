import { readText, stringOf } from '../logging/read-safely.js';
import type { MediatorError, PublishError } from './mediator-error.js';

/** A one-line, human-readable description of a send or publish error. */
export function formatMediatorError(error: MediatorError | PublishError): string {
  switch (error.kind) {
    case 'InvalidRequest':
    case 'InvalidNotification':
      return error.message;
    case 'Aborted':
      return `${'requestType' in error ? error.requestType : error.notificationType}: aborted before the handler ran`;
    case 'NoHandler':
      return `${error.requestType}: no handler is registered`;
    case 'HandlerResolutionFailed':
      return `${error.requestType}: the handler could not be resolved: ${describeCause(error.cause)}`;
    case 'BehaviorResolutionFailed':
      return `${error.requestType}: behaviour ${error.behavior} could not be resolved: ${describeCause(error.cause)}`;
    case 'HandlerFailed':
      return `${error.requestType}: the handler failed: ${describeCause(error.cause)}`;
    case 'BehaviorFailed':
      return `${error.requestType}: behaviour ${error.behavior} failed: ${describeCause(error.cause)}`;
    case 'PublishFailed':
      return `${error.notificationType}: ${error.failures.length} handler(s) failed: ${error.failures
        .map((failure) => `${failure.handler} (${describeCause(failure.cause)})`)
        .join('; ')}`;
  }
}

// Whatever a handler threw is described without letting it throw again (a getter, a Proxy trap, a toString).
function describeCause(cause: unknown): string {
  if (typeof cause === 'object' && cause !== null) {
    const described = readText(cause, 'message') ?? readText(cause, 'kind');
    if (described !== undefined) return described;
  }
  return stringOf(cause);
}
