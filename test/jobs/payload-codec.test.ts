import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePayload, encodePayload } from '../../src/jobs/payload-codec.js';
import type { JsonValue } from '../../src/storage/job-types.js';

function roundTrip(value: unknown): unknown {
  const encoded = encodePayload(value)._unsafeUnwrap();
  // Through JSON text, as storage keeps it.
  return decodePayload(JSON.parse(JSON.stringify(encoded)) as JsonValue)._unsafeUnwrap();
}

describe('payload codec', () => {
  it('round-trips Date, bigint, nested objects and arrays', () => {
    const value = { when: new Date('2026-11-21T10:00:00.123Z'), big: 12345678901234567890n, list: [1, 'two', { three: [3n, null, true] }], nested: { at: new Date(0) } };
    assert.deepEqual(roundTrip(value), value);
  });

  it('keeps a user object that has the tag key, and undefined inside arrays', () => {
    const value = { $mj: 'date', v: 'not a tag', items: [undefined, 1] };
    assert.deepEqual(roundTrip(value), value);
  });

  it('drops undefined fields like JSON does', () => {
    assert.deepEqual(roundTrip({ a: 1, b: undefined }), { a: 1 });
  });

  it('keeps class instances as their own fields', () => {
    class Point {
      constructor(readonly x: number, readonly y: number) {}
    }
    assert.deepEqual(roundTrip({ p: new Point(1, 2) }), { p: { x: 1, y: 2 } });
  });

  it('refuses what cannot be stored, naming the path', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const cases: [unknown, string][] = [
      [cyclic, 'value.self'],
      [{ callback: () => 1 }, 'value.callback'],
      [{ items: [1, Symbol('s')] }, 'value.items[1]'],
      [{ n: Number.NaN }, 'value.n'],
      [{ n: Infinity }, 'value.n'],
      [{ m: new Map() }, 'value.m'],
      [{ d: new Date('nope') }, 'value.d'],
    ];
    for (const [value, path] of cases) {
      const error = encodePayload(value).match(() => assert.fail('expected an error'), (e) => e);
      assert.equal(error.kind, 'Unserializable');
      assert.equal(error.path, path);
      assert.match(error.message, new RegExp(path.replace(/[[\]]/g, '\\$&')));
    }
  });

  it('reports a damaged tag instead of throwing', () => {
    const error = decodePayload({ at: { $mj: 'bigint', v: 'abc' } }).match(() => assert.fail('expected an error'), (e) => e);
    assert.equal(error.path, 'value.at');
  });
});
