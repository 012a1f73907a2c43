import { Err, Ok, ResultAsync, fromThrowable, ok } from 'neverthrow';
import type { Result } from 'neverthrow';
import type { HandlerResult } from './handler-result.js';

/**
 * Calls user code and normalises whatever it produced into a `ResultAsync`
 * that never rejects. A synchronous throw or a rejection becomes `onThrow(cause)`;
 * a returned Err passes through unchanged (the same object).
 *
 * Only neverthrow's own `Ok`/`Err` instances count as Results, so a handler
 * answering with a plain object that happens to have `isOk` is not mistaken
 * for one. (A Result from a second copy of neverthrow would be: keep one copy.)
 */
export function toResultAsync<T, E, F>(
  call: () => HandlerResult<T, E>,
  onThrow: (cause: unknown) => F,
): ResultAsync<T, E | F> {
  return fromThrowable(call, onThrow)().asyncAndThen((produced) =>
    // Promise.resolve adopts Promises and ResultAsync (a thenable) alike.
    ResultAsync.fromPromise(Promise.resolve(produced), onThrow).andThen(
      (settled): Result<T, E | F> => (isResult(settled) ? (settled as Result<T, E>) : ok(settled as T)),
    ),
  );
}

function isResult(value: unknown): boolean {
  return value instanceof Ok || value instanceof Err;
}
