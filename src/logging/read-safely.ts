/**
 * Reading what user code threw or returned as an error, for messages and
 * failure records. Such a value may be anything: an object whose getters
 * throw, a Proxy whose traps throw, a revoked Proxy. Describing a failure
 * must never fail in turn: in the worker, a throw here left the job
 * Processing, run again and again, instead of Failed.
 */

/** `value[key]`, or undefined when reading it throws. */
export function readSafely(value: object, key: PropertyKey): unknown {
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** `value instanceof Error`, false when asking throws (a Proxy's getPrototypeOf trap). */
export function isErrorSafely(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

/** `value[key]` when it is a string, else undefined. */
export function readText(value: object, key: PropertyKey): string | undefined {
  const read = readSafely(value, key);
  return typeof read === 'string' ? read : undefined;
}

/** A last-resort text for any value: JSON, else String(), else its type. */
export function textOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return `an unreadable ${typeof value}`;
    }
  }
}

/** `String(value)` (a thrown primitive, a cause's own toString), else `textOf`: a toString may throw too. */
export function stringOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return textOf(value);
  }
}

/**
 * The name of the class `value` is an instance of; undefined for a plain
 * object, one without a prototype, an anonymous class, or when asking throws.
 * Errors name the caller's objects by it ("[object Object]" says nothing).
 */
export function classNameOf(value: object): string | undefined {
  const constructor = readSafely(value, 'constructor');
  const name = typeof constructor === 'function' && constructor !== Object ? readText(constructor, 'name') : undefined;
  return name === '' ? undefined : name;
}
