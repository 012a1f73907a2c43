import { errAsync } from 'neverthrow';
import type { HandlerContext } from './handler-context.js';
import type { HandlerResult } from './handler-result.js';
import type { MediatorError } from './mediator-error.js';
import type { BehaviorFunction } from './pipeline-behavior.js';
import type { AnyRequest, ErrorOf, ResponseOf } from './request.js';
import { toResultAsync } from './to-result-async.js';

/**
 * MediatR's request exception handler as a behaviour: when the handler threw
 * (`HandlerFailed` for this request type), `fn` receives what it threw and
 * returns a response (or an Err, to report another error). Every other
 * outcome passes through untouched, including the handler's own Err values
 * and failures of nested sends for other request types.
 */
export function exceptionHandler<R extends AnyRequest = AnyRequest>(
  fn: (
    cause: unknown,
    request: R,
    context: HandlerContext,
  ) => HandlerResult<ResponseOf<R>, ErrorOf<R> | MediatorError>,
): BehaviorFunction<R> {
  return (request, next, context) =>
    next().orElse((error) =>
      isHandlerFailure(error, context.requestType)
        ? toResultAsync(
            () => fn(error.cause, request, context),
            (cause): MediatorError => ({ kind: 'BehaviorFailed', requestType: context.requestType, behavior: 'exceptionHandler', cause }),
          )
        : errAsync(error),
    );
}

function isHandlerFailure(
  error: unknown,
  requestType: string,
): error is Extract<MediatorError, { kind: 'HandlerFailed' }> {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { kind?: unknown; requestType?: unknown };
  return candidate.kind === 'HandlerFailed' && candidate.requestType === requestType;
}
