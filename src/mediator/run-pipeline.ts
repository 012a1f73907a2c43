import type { ResultAsync } from 'neverthrow';
import type { HandlerContext } from './handler-context.js';
import type { HandlerResult } from './handler-result.js';
import type { MediatorError } from './mediator-error.js';
import type { Next, PipelineBehavior } from './pipeline-behavior.js';
import type { AnyRequest } from './request.js';
import { toResultAsync } from './to-result-async.js';

/** A behaviour instance obtained for one send, with its name for errors. @internal */
export interface ResolvedBehavior {
  readonly name: string;
  readonly behavior: PipelineBehavior;
}

/**
 * Folds the behaviours around the handler, right to left, so the first in the
 * list is the outermost, then runs the chain. Each behaviour call is wrapped:
 * a throw or rejection becomes `BehaviorFailed` naming the behaviour. @internal
 */
export function runPipeline(
  request: AnyRequest,
  context: HandlerContext,
  behaviors: readonly ResolvedBehavior[],
  handler: Next,
): ResultAsync<unknown, unknown> {
  const chain = behaviors.reduceRight<Next>(
    (next, { name, behavior }) =>
      () =>
        toResultAsync(
          (): HandlerResult<unknown, unknown> => behavior.handle(request, next, context),
          (cause): MediatorError => ({ kind: 'BehaviorFailed', requestType: context.requestType, behavior: name, cause }),
        ),
    handler,
  );
  return chain();
}
