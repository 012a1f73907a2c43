/**
 * True when A and B are the same type (not merely assignable), using the
 * deferred-conditional trick that distinguishes `any`, unions and readonly.
 */
export type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * Compile-time assertion: `expectType<Expected>()(value)` fails to type-check
 * unless `value`'s type is exactly `Expected`. Does nothing at runtime.
 */
export function expectType<Expected>() {
  return <Actual>(_value: Actual, ..._mismatch: Equals<Actual, Expected> extends true ? [] : ['type mismatch']): void => {};
}

/** Compile-time assertion on two types, without a value. */
export function assertTypes<_Check extends true>(): void {}
