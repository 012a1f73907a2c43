import type { HandlerContext } from './handler-context.js';
import type { HandlerResult } from './handler-result.js';
import type { AnyRequest, ErrorOf, ResponseOf } from './request.js';

/**
 * Handles one request type. Exactly one handler is registered per request type.
 *
 * May return the response directly, a Promise of it, or a Result / ResultAsync
 * carrying the request's declared error. Throwing or rejecting is allowed and
 * reported to the caller as `HandlerFailed`.
 */
export interface RequestHandler<R extends AnyRequest> {
  /** Handles `request`; `context.signal` tells a long-running handler to stop. */
  handle(request: R, context: HandlerContext): HandlerResult<ResponseOf<R>, ErrorOf<R>>;
}

/**
 * A request handler class. The mediator asks its `ServiceResolver` for an
 * instance on every call, so constructor injection and scoped lifetimes work.
 */
export type RequestHandlerClass<R extends AnyRequest = AnyRequest> = new (...args: any[]) => RequestHandler<R>;
