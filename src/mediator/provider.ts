import { fromThrowable } from 'neverthrow';
import type { Result } from 'neverthrow';
import { classNameOf, readSafely, readText } from '../logging/read-safely.js';
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

/** What a provider stands for: behaviours may also be plain functions, and errors name objects by it. @internal */
export type ProviderRole = 'handler' | 'behavior';

/**
 * Turns a class (its prototype has `handle`), a `handle`-bearing object or,
 * for a behaviour, a plain function into a provider; `undefined` otherwise.
 * @internal
 */
export function providerOf<T extends Handling>(source: unknown, role: ProviderRole): Provider<T> | undefined {
  if (typeof source === 'function') {
    const prototype = readSafely(source, 'prototype');
    if (hasHandle(prototype)) {
      const cls = source as new () => T;
      return { source, name: readText(cls, 'name') || 'anonymous class', get: (resolver) => resolver.resolve(cls) };
    }
    if (role !== 'behavior') return undefined;
    const instance = { handle: source } as unknown as T;
    return { source, name: readText(source, 'name') || 'anonymous function', get: () => instance };
  }
  if (!hasHandle(source)) return undefined;
  const instance = source as T;
  return { source, name: objectName(source, role), get: () => instance };
}

/**
 * How errors name a handler or behaviour given as an object: its class, when
 * it is an instance of one; else "a handler object". A plain object's
 * constructor is Object, and "GetUser is already handled by Object" named
 * nothing the reader wrote. Read safely: the object is the user's, and a
 * getter or Proxy trap must not make registering throw.
 */
function objectName(source: object, role: ProviderRole): string {
  return classNameOf(source) ?? `a ${role === 'behavior' ? 'behaviour' : 'handler'} object`;
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

/** Read safely: a `handle` (or `prototype`) getter or Proxy trap that throws makes no handler, not a throw out of registering. */
function hasHandle(value: unknown): value is Handling {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof readSafely(value, 'handle') === 'function';
}
