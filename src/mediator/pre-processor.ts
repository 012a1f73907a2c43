import { Err } from 'neverthrow';
import type { Result } from 'neverthrow';
import type { HandlerContext } from './handler-context.js';
import type { HandlerResult } from './handler-result.js';
import type { MediatorError } from './mediator-error.js';
import type { BehaviorFunction } from './pipeline-behavior.js';
import type { AnyRequest, ErrorOf, ResponseOf } from './request.js';

/**
 * MediatR's request pre-processor as a behaviour: `fn` runs before the rest
 * of the pipeline. If it returns an Err, the handler does not run and that Err
 * is the outcome of the send; if it throws or rejects, the send fails with
 * `BehaviorFailed` (the pipeline wraps every behaviour call).
 */
export function preProcessor<R extends AnyRequest = AnyRequest>(
  fn: (request: R, context: HandlerContext) => HandlerResult<void, ErrorOf<R>>,
): BehaviorFunction<R> {
  return async (request, next, context): Promise<Result<ResponseOf<R>, ErrorOf<R> | MediatorError>> => {
    // Awaiting adopts a Promise, a ResultAsync or a plain Result alike.
    const outcome: unknown = await fn(request, context);
    if (outcome instanceof Err) return outcome as Err<ResponseOf<R>, ErrorOf<R>>;
    return next();
  };
}
