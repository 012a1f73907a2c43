import { err, ok, type Result } from 'neverthrow';
import { describeError } from '../logging/logger.js';
import type { JsonValue } from '../storage/job-types.js';
import { setOwnField } from '../storage/own-field.js';
import { jobSignal } from './job-signal.js';
import { classNameFor, isDate, isPlainArrayPrototype, isPlainObjectPrototype } from './object-kind.js';

/**
 * Turns request fields, method arguments and handler responses into JSON
 * values and back, keeping what plain JSON loses: Date and bigint survive
 * the round trip, and so does `jobSignal` (job-signal.ts). Tagged values are
 * objects with the single key `$mj`; an object of the user's that happens to
 * have a `$mj` key is escaped the same way, so nothing is ever misread.
 *
 * Refused with an error naming the path: functions, symbols, cycles,
 * non-finite numbers, and objects JSON cannot represent faithfully (Map,
 * Set, typed arrays); values nested deeper than {@link MAX_PAYLOAD_DEPTH};
 * objects whose fields or prototype cannot be read (a getter or a proxy trap
 * that throws). Nothing here throws.
 *
 * Decoding gives plain objects (prototype Object.prototype), arrays, Dates
 * and bigints, never class instances. So an object of a class below the
 * top-level value (a `Money`, a Luxon DateTime, a Decimal) is, depending on
 * {@link ClassInstances}, refused (payloads: the handler would get a plain
 * object without the class's methods and `#private` fields) or kept as its
 * own enumerable fields, like JSON.stringify does (results and parameters:
 * a handler returning `new Money(5, 'EUR')` is read back as
 * `{ amount: 5, currency: 'EUR' }`, and `#private` fields are lost). Dates
 * (of any realm) stay Dates; plain objects of another realm (a `vm` context)
 * are plain objects.
 *
 * An own field named `__proto__` (JSON.parse makes those) stays a field in
 * both directions: it never becomes the prototype of a decoded object.
 */

/**
 * What becomes of an object of a class (a prototype other than a plain
 * object's or an array's) below the top-level value:
 * - `'refuse'`, for payloads (a request's fields, a method call's
 *   arguments): an `Unserializable` error naming the path and the class, at
 *   enqueue time, since the job would run with a plain object in its place.
 *   The top-level request itself is restored by its registered type.
 * - `'own-fields'`, for results (refusing one would fail a job whose work is
 *   done) and parameters: kept as its own enumerable fields.
 */
export type ClassInstances = 'refuse' | 'own-fields';

/**
 * How deeply arrays and objects may nest in a payload, parameter or result.
 * Encoding and decoding recurse; a limit far below the stack's keeps a
 * hostile value an error instead of a stack overflow.
 */
export const MAX_PAYLOAD_DEPTH = 1000;

/** Why a value cannot be stored as a job payload or result. */
export interface CodecError {
  readonly kind: 'Unserializable';
  /** Where in the value, like `request.items[2].callback`. */
  readonly path: string;
  readonly message: string;
}

const TAG = '$mj';

type Tagged = { [TAG]: 'date'; v: string } | { [TAG]: 'bigint'; v: string } | { [TAG]: 'undefined' } | { [TAG]: 'signal' } | { [TAG]: 'escaped'; v: { [key: string]: JsonValue } };

class Refusal extends Error {
  constructor(readonly path: string, reason: string) {
    super(reason);
  }
}

/** What one encoding carries down the value: the objects above the current one (cycles, depth), and the rule for class instances. */
interface Walk {
  readonly ancestors: Set<object>;
  readonly classInstances: ClassInstances;
}

/** Encodes a value into JSON values, or says exactly which part cannot be stored (see {@link ClassInstances}). */
export function encodePayload(value: unknown, root = 'value', classInstances: ClassInstances = 'refuse'): Result<JsonValue, CodecError> {
  try {
    return ok(encode(value, root, { ancestors: new Set(), classInstances }));
  } catch (error) {
    if (error instanceof Refusal) return err({ kind: 'Unserializable', path: error.path, message: `${shortPath(error.path)} cannot be stored: ${error.message}` });
    // Whatever else the value did to us (a revoked proxy...) is still the value's fault, not a crash.
    return err({ kind: 'Unserializable', path: root, message: `${root} cannot be stored: reading it failed: ${describeError(error)}` });
  }
}

/** A path for a message: a very deep one is cut, keeping its start, so the message stays readable. */
function shortPath(path: string): string {
  return path.length <= 200 ? path : `${path.slice(0, 120)}…(${path.length} characters)`;
}

function encode(value: unknown, path: string, walk: Walk): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new Refusal(path, `${value} is not a finite number`);
      return value;
    case 'bigint':
      return { [TAG]: 'bigint', v: value.toString() } satisfies Tagged;
    case 'undefined':
      return { [TAG]: 'undefined' } satisfies Tagged;
    case 'function':
      throw new Refusal(path, 'a function is code, not data; pass the data it needs instead');
    case 'symbol':
      throw new Refusal(path, 'a symbol has no stored form');
  }
  if (value === null) return null;
  // The stand-in for the running job's signal (see job-signal.ts): an AbortSignal, yet stored, as a tag.
  if (value === jobSignal) return { [TAG]: 'signal' } satisfies Tagged;
  const object = value as object;
  // Read before any instanceof does: a Proxy's getPrototypeOf trap may throw, which is the value's fault, named at its path.
  const prototype = prototypeOf(object, path);
  if (isDate(object, prototype)) {
    const time = Date.prototype.getTime.call(object);
    if (Number.isNaN(time)) throw new Refusal(path, 'an invalid Date');
    return { [TAG]: 'date', v: new Date(time).toISOString() } satisfies Tagged;
  }
  if (object instanceof Map || object instanceof Set || object instanceof WeakMap || object instanceof WeakSet || ArrayBuffer.isView(object) || object instanceof ArrayBuffer || object instanceof Promise) {
    throw new Refusal(path, `a ${object.constructor.name} has no faithful JSON form; use an array or a plain object`);
  }
  const ancestors = walk.ancestors;
  // The top-level value is exempt: a request is restored by its registered type, arguments are a list made here.
  if (walk.classInstances === 'refuse' && ancestors.size > 0) refuseClassInstance(object, prototype, path);
  if (ancestors.has(object)) throw new Refusal(path, 'the value refers back to itself (a cycle)');
  if (ancestors.size >= MAX_PAYLOAD_DEPTH) throw new Refusal(path, `it is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
  let items: unknown[] | undefined;
  let fields: [string, unknown][] = [];
  try {
    if (Array.isArray(object)) items = [...(object as unknown[])];
    else fields = Object.entries(object);
  } catch (error) {
    throw new Refusal(path, `reading its fields threw: ${describeError(error)}`);
  }
  ancestors.add(object);
  try {
    if (items !== undefined) return items.map((item, index) => encode(item, `${path}[${index}]`, walk));
    const encoded: { [key: string]: JsonValue } = {};
    for (const [key, field] of fields) {
      // Like JSON.stringify, an undefined field is simply absent.
      if (field === undefined) continue;
      setOwnField(encoded, key, encode(field, `${path}.${key}`, walk));
    }
    return Object.hasOwn(encoded, TAG) ? ({ [TAG]: 'escaped', v: encoded } satisfies Tagged) : encoded;
  } finally {
    ancestors.delete(object);
  }
}

function prototypeOf(object: object, path: string): object | null {
  try {
    return Object.getPrototypeOf(object) as object | null;
  } catch (error) {
    throw new Refusal(path, `reading its prototype threw: ${describeError(error)}`);
  }
}

/** Refuses an object that decoding would turn into a plain object or array, losing its class. */
function refuseClassInstance(object: object, prototype: object | null, path: string): void {
  let lost: { className: string; becomes: string } | undefined;
  try {
    const isArray = Array.isArray(object);
    if (!(isArray ? isPlainArrayPrototype(prototype) : isPlainObjectPrototype(prototype))) lost = { className: classNameFor(prototype), becomes: isArray ? 'array' : 'object' };
  } catch (error) {
    throw new Refusal(path, `reading its prototype threw: ${describeError(error)}`);
  }
  if (lost === undefined) return;
  throw new Refusal(path, `${lost.className} would reach the handler as a plain ${lost.becomes}, without its class's methods or #private fields; pass plain data, e.g. its fields or a Date/ISO string`);
}

/**
 * Decodes what `encodePayload` produced back into values with their Dates and
 * bigints. A tag that does not decode (a row edited by hand) is an error value.
 */
export function decodePayload(value: JsonValue, root = 'value'): Result<unknown, CodecError> {
  try {
    return ok(decode(value, root));
  } catch (error) {
    if (error instanceof Refusal) return err({ kind: 'Unserializable', path: error.path, message: `${shortPath(error.path)} cannot be read back: ${error.message}` });
    // A stored value nested too deeply for the stack (edited by hand) is damaged data, not a crash.
    return err({ kind: 'Unserializable', path: root, message: `${root} cannot be read back: ${describeError(error)}` });
  }
}

function decode(value: JsonValue, path: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item, index) => decode(item, `${path}[${index}]`));
  if (!Object.hasOwn(value, TAG)) return decodeFields(value, path);
  const tag: unknown = value[TAG];
  const inner: unknown = value.v;
  if (tag === 'date' && typeof inner === 'string' && !Number.isNaN(Date.parse(inner))) return new Date(inner);
  if (tag === 'bigint' && typeof inner === 'string' && /^-?\d+$/.test(inner)) return BigInt(inner);
  if (tag === 'undefined') return undefined;
  if (tag === 'signal') return jobSignal;
  if (tag === 'escaped' && typeof inner === 'object' && inner !== null && !Array.isArray(inner)) return decodeFields(inner as { [key: string]: JsonValue }, path);
  throw new Refusal(path, `unknown or damaged tagged value ${JSON.stringify(value).slice(0, 100)}`);
}

function decodeFields(value: { [key: string]: JsonValue }, path: string): Record<string, unknown> {
  const decoded: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) setOwnField(decoded, key, decode(field, `${path}.${key}`));
  return decoded;
}
