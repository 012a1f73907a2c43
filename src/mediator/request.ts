/**
 * Brand keys for the phantom response and error types. They are real symbols
 * (never read at runtime) so the declaration emitter can name them.
 */
const responseType: unique symbol = Symbol('mediator-jobs.response');
const errorType: unique symbol = Symbol('mediator-jobs.error');

/**
 * Base class of every request sent through the mediator.
 *
 * `TResponse` is what the handler answers with; `TError` is the handler's own
 * domain error (the mediator adds {@link MediatorError} on top of it).
 *
 * @example
 * ```ts
 * class GetUser extends Request<User, UserNotFound> {
 *   constructor(readonly id: number) { super(); }
 * }
 * ```
 */
export abstract class Request<TResponse = void, TError = never> {
  // Phantom types only: `declare` emits no field, so requests stay plain data
  // that can be serialised and persisted by the job engine.
  declare readonly [responseType]: TResponse;
  declare readonly [errorType]: TError;
}

/** Any request, whatever its response and error types. */
export type AnyRequest = Request<any, any>;

/** The response type a request declares: `ResponseOf<GetUser>` is `User`. */
export type ResponseOf<R> = R extends { readonly [responseType]: infer T } ? T : never;

/** The handler error type a request declares (`never` when it declares none). */
export type ErrorOf<R> = R extends { readonly [errorType]: infer E } ? E : never;

/**
 * A request class. It may define `static requestTypeName` to give itself a
 * stable name that survives renames and minification (see `requestTypeNameOf`).
 */
export type RequestClass<R extends AnyRequest = AnyRequest> = abstract new (...args: any[]) => R;
