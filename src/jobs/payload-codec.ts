import { err, ok, type Result } from 'neverthrow';
import { describeError } from '../logging/logger.js';
import type { JsonValue } from '../storage/job-types.js';
import { setOwnField } from '../storage/own-field.js';

/**
 * Turns request fields, method arguments and handler responses into JSON
 * values and back, keeping what plain JSON loses: Date and bigint survive
 * the round trip. Tagged values are objects with the single key `$mj`; an
 * object of the user's that happens to have a `$mj` key is escaped the same
 * way, so nothing is ever misread.
 *
 * Refused with an error naming the path: functions, symbols, cycles,
 * non-finite numbers, and objects JSON cannot represent faithfully (Map,
 * Set, typed arrays, class instances with no own fields but a custom prototype
 * are kept as their own enumerable fields, like JSON.stringify does); values
 * nested deeper than {@link MAX_PAYLOAD_DEPTH}; objects whose fields cannot be
 * read (a getter or a proxy trap that throws). Nothing here throws.
 *
 * An own field named `__proto__` (JSON.parse makes those) stays a field in
 * both directions: it never becomes the prototype of a decoded object.
 */

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

type Tagged = { [TAG]: 'date'; v: string } | { [TAG]: 'bigint'; v: string } | { [TAG]: 'undefined' } | { [TAG]: 'escaped'; v: { [key: string]: JsonValue } };

class Refusal extends Error {
  constructor(readonly path: string, reason: string) {
    super(reason);
  }
}

/** Encodes a value into JSON values, or says exactly which part cannot be stored. */
export function encodePayload(value: unknown, root = 'value'): Result<JsonValue, CodecError> {
  try {
    return ok(encode(value, root, new Set()));
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

function encode(value: unknown, path: string, ancestors: Set<object>): JsonValue {
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
  const object = value as object;
  if (object instanceof Date) {
    if (Number.isNaN(object.getTime())) throw new Refusal(path, 'an invalid Date');
    return { [TAG]: 'date', v: object.toISOString() } satisfies Tagged;
  }
  if (object instanceof Map || object instanceof Set || object instanceof WeakMap || object instanceof WeakSet || ArrayBuffer.isView(object) || object instanceof ArrayBuffer || object instanceof Promise) {
    throw new Refusal(path, `a ${object.constructor.name} has no faithful JSON form; use an array or a plain object`);
  }
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
    if (items !== undefined) return items.map((item, index) => encode(item, `${path}[${index}]`, ancestors));
    const encoded: { [key: string]: JsonValue } = {};
    for (const [key, field] of fields) {
      // Like JSON.stringify, an undefined field is simply absent.
      if (field === undefined) continue;
      setOwnField(encoded, key, encode(field, `${path}.${key}`, ancestors));
    }
    return Object.hasOwn(encoded, TAG) ? ({ [TAG]: 'escaped', v: encoded } satisfies Tagged) : encoded;
  } finally {
    ancestors.delete(object);
  }
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
  if (tag === 'escaped' && typeof inner === 'object' && inner !== null && !Array.isArray(inner)) return decodeFields(inner as { [key: string]: JsonValue }, path);
  throw new Refusal(path, `unknown or damaged tagged value ${JSON.stringify(value).slice(0, 100)}`);
}

function decodeFields(value: { [key: string]: JsonValue }, path: string): Record<string, unknown> {
  const decoded: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) setOwnField(decoded, key, decode(field, `${path}.${key}`));
  return decoded;
}
