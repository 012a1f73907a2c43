import { Err, Ok, ResultAsync, err, ok } from 'neverthrow';
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
 *
 * Written as one native async function rather than a chain of neverthrow
 * combinators: this runs for every handler and behaviour of every request
 * and job, and each combinator allocates a promise chain of its own.
 */
export function toResultAsync<T, E, F>(
  call: () => HandlerResult<T, E>,
  onThrow: (cause: unknown) => F,
): ResultAsync<T, E | F> {
  return new ResultAsync(settle(call, onThrow));
}

async function settle<T, E, F>(call: () => HandlerResult<T, E>, onThrow: (cause: unknown) => F): Promise<Result<T, E | F>> {
  let produced: HandlerResult<T, E>;
  try {
    produced = call();
  } catch (cause) {
    return err(onThrow(cause));
  }
  try {
    // A plain value or a Result (most handlers of short jobs) needs no await: one microtask and its promise less per call.
    // Inside the try: reading `then` runs a getter of the user's object, which may throw.
    if (!isPromiseLike(produced)) return isResult(produced) ? (produced as Result<T, E>) : ok(produced as T);
    // await adopts Promises and ResultAsync (a thenable) alike.
    const settled: unknown = await produced;
    return isResult(settled) ? (settled as Result<T, E>) : ok(settled as T);
  } catch (cause) {
    return err(onThrow(cause));
  }
}

/** Whether `value` is a promise or another thenable (a ResultAsync), which `await` would adopt. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';
}

function isResult(value: unknown): boolean {
  return value instanceof Ok || value instanceof Err;
}
