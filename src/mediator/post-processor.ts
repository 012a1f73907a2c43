import type { Result } from 'neverthrow';
import type { HandlerContext } from './handler-context.js';
import type { MediatorError } from './mediator-error.js';
import type { BehaviorFunction } from './pipeline-behavior.js';
import type { AnyRequest, ErrorOf, ResponseOf } from './request.js';

/**
 * MediatR's request post-processor as a behaviour: `fn` runs after the rest
 * of the pipeline and sees its whole Result (Ok or Err); the Result is then
 * returned unchanged. If `fn` throws or rejects, the send fails with
 * `BehaviorFailed`.
 */
export function postProcessor<R extends AnyRequest = AnyRequest>(
  fn: (
    request: R,
    result: Result<ResponseOf<R>, ErrorOf<R> | MediatorError>,
    context: HandlerContext,
  ) => void | Promise<void>,
): BehaviorFunction<R> {
  return async (request, next, context): Promise<Result<ResponseOf<R>, ErrorOf<R> | MediatorError>> =>
    next().then(async (result) => {
      await fn(request, result, context);
      return result;
    });
}
