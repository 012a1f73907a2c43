import type { ResultAsync } from 'neverthrow';
import type { HandlerContext } from './handler-context.js';
import type { HandlerResult } from './handler-result.js';
import type { MediatorError } from './mediator-error.js';
import type { AnyRequest, ErrorOf, ResponseOf } from './request.js';

/**
 * Runs the rest of the pipeline (inner behaviours, then the handler). Never
 * rejects: failures arrive as Err. May be called zero times (short-circuit)
 * or several times (retry).
 */
export type Next<R extends AnyRequest = AnyRequest> = () => ResultAsync<ResponseOf<R>, ErrorOf<R> | MediatorError>;

/**
 * Wraps the handling of requests (MediatR's IPipelineBehavior): logging,
 * validation, caching, transactions. It may call `next` and return its result,
 * replace the response, or short-circuit by not calling `next` at all.
 * A throw or rejection becomes `BehaviorFailed`.
 */
export interface PipelineBehavior<R extends AnyRequest = AnyRequest> {
  /** Handles `request`, usually by delegating to `next`. */
  handle(request: R, next: Next<R>, context: HandlerContext): HandlerResult<ResponseOf<R>, ErrorOf<R> | MediatorError>;
}

/** A behaviour written as a plain function. */
export type BehaviorFunction<R extends AnyRequest = AnyRequest> = PipelineBehavior<R>['handle'];

/** A behaviour class, resolved from the `ServiceResolver` on every send. */
export type PipelineBehaviorClass<R extends AnyRequest = AnyRequest> = new (...args: any[]) => PipelineBehavior<R>;

/** Anything `MediatorRegistry.addBehavior` accepts: a class, an instance or a function. */
export type BehaviorLike<R extends AnyRequest = AnyRequest> =
  | PipelineBehaviorClass<R>
  | PipelineBehavior<R>
  | BehaviorFunction<R>;
