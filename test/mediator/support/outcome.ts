import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import type { Result } from 'neverthrow';

// The thunk form keeps neverthrow/must-use-result satisfied: the Result is
// consumed here with `match`, and the call site returns it from an arrow.

/** Runs `call` and returns its Ok value; fails the test on Err. */
export async function okOf<T, E>(call: () => PromiseLike<Result<T, E>>): Promise<T> {
  return (await call()).match(
    (value) => value,
    (error) => assert.fail(`expected Ok, got Err ${inspect(error)}`),
  );
}

/** Runs `call` and returns its Err value; fails the test on Ok. */
export async function errOf<T, E>(call: () => PromiseLike<Result<T, E>>): Promise<E> {
  return (await call()).match(
    (value) => assert.fail(`expected Err, got Ok ${inspect(value)}`),
    (error) => error,
  );
}

/** Runs `call` and returns its Err value synchronously; fails the test on Ok. */
export function errOfSync<T, E>(call: () => Result<T, E>): E {
  return call().match(
    (value) => assert.fail(`expected Err, got Ok ${inspect(value)}`),
    (error) => error,
  );
}
