import type { Result, ResultAsync } from 'neverthrow';

/**
 * What a handler or behaviour may return: a plain value, a Promise, or a
 * neverthrow Result / ResultAsync / Promise of Result. The mediator normalises
 * all of them into one `ResultAsync`; a throw or rejection becomes an error
 * value, never an exception for the caller.
 *
 * `Promise<T | Result<T, E>>` (rather than `Promise<T> | Promise<Result<T, E>>`)
 * lets an async handler answer a value on one path and a Result on another,
 * and lets `Promise.reject(...)` infer a type that fits.
 */
export type HandlerResult<T, E> = T | Result<T, E> | ResultAsync<T, E> | Promise<T | Result<T, E>>;
