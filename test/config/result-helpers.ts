// Test helper for reading the error out of a Result in a way the neverthrow lint rule
// accepts (it counts only match, unwrapOr and _unsafeUnwrap as handling a Result).
import assert from 'node:assert/strict';

/**
 * Ok-callback for `.match(failOnOk, (e) => e)`: a test that expects an error fails,
 * showing the unexpected value.
 */
export function failOnOk(value: unknown): never {
  assert.fail(`expected an error, got Ok ${JSON.stringify(value)}`);
}
