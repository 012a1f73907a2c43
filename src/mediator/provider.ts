import { fromThrowable } from 'neverthrow';
import type { Result } from 'neverthrow';
import type { ServiceResolver } from './service-resolver.js';

/**
 * How the registry remembers a handler or behaviour: the thing the user gave
 * (`source`, compared for idempotent re-registration), a name for errors, and
 * how to obtain an instance for one call. Classes are resolved on every call
 * so the container's lifetimes (transient, scoped) are honoured. @internal
 */
export interface Provider<T> {
  readonly source: unknown;
  readonly name: string;
  readonly get: (resolver: ServiceResolver) => T;
}

/** Something with a `handle` method: a handler or behaviour instance. @internal */
export interface Handling {
  handle(...args: any[]): unknown;
}

/**
 * Turns a class (its prototype has `handle`), a `handle`-bearing object or,
 * when `allowFunction`, a plain function into a provider; `undefined` otherwise.
 * @internal
 */
export function providerOf<T extends Handling>(source: unknown, allowFunction: boolean): Provider<T> | undefined {
  if (typeof source === 'function') {
    const prototype: unknown = (source as { prototype?: unknown }).prototype;
    if (hasHandle(prototype)) {
      const cls = source as new () => T;
      return { source, name: cls.name || 'anonymous class', get: (resolver) => resolver.resolve(cls) };
    }
    if (!allowFunction) return undefined;
    const instance = { handle: source } as unknown as T;
    return { source, name: source.name || 'anonymous function', get: () => instance };
  }
  if (!hasHandle(source)) return undefined;
  const instance = source as T;
  return { source, name: (source as object).constructor?.name ?? 'object', get: () => instance };
}

/** Obtains an instance for one call; a throw or a result without `handle` is an Err. @internal */
export function resolveProvider<T extends Handling>(provider: Provider<T>, resolver: ServiceResolver): Result<T, unknown> {
  return fromThrowable(
    () => {
      const instance = provider.get(resolver);
      if (!hasHandle(instance)) throw new TypeError(`${provider.name} resolved to an object without a handle method`);
      return instance;
    },
    (cause) => cause,
  )();
}

function hasHandle(value: unknown): value is Handling {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { handle?: unknown }).handle === 'function'
  );
}
