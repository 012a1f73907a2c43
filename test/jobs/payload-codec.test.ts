import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import { jobSignal } from '../../src/jobs/job-signal.js';
import { decodePayload, encodePayload, type ClassInstances, type CodecError } from '../../src/jobs/payload-codec.js';
import type { JsonValue } from '../../src/storage/job-types.js';

/** A value object with a method and a private field: what a handler would lose if it came back as a plain object. */
class Money {
  readonly #cents: number;
  constructor(readonly amount: number, readonly currency: string) {
    this.#cents = Math.round(amount * 100);
  }
  format(): string {
    return `${this.#cents / 100} ${this.currency}`;
  }
}

function roundTrip(value: unknown, classInstances: ClassInstances = 'refuse'): unknown {
  const encoded = encodePayload(value, 'value', classInstances)._unsafeUnwrap();
  // Through JSON text, as storage keeps it.
  return decodePayload(JSON.parse(JSON.stringify(encoded)) as JsonValue)._unsafeUnwrap();
}

describe('payload codec', () => {
  it('round-trips Date, bigint, nested objects and arrays', () => {
    const value = { when: new Date('2026-11-21T10:00:00.123Z'), big: 12345678901234567890n, list: [1, 'two', { three: [3n, null, true] }], nested: { at: new Date(0) } };
    assert.deepEqual(roundTrip(value), value);
  });

  it('stores jobSignal as a tag and reads it back as jobSignal; any other AbortSignal is refused', () => {
    const args = roundTrip(['to@example.com', jobSignal]) as unknown[];
    assert.equal(args[1], jobSignal, 'the stand-in itself comes back, for the worker to replace');
    assert.deepEqual(encodePayload([jobSignal])._unsafeUnwrap(), [{ $mj: 'signal' }]);
    assert.equal(jobSignal.aborted, false, 'outside a job it never aborts');
    const other = encodePayload([{ signal: new AbortController().signal }])._unsafeUnwrapErr();
    assert.match(other.message, /AbortSignal/, other.message);
  });

  it('keeps a user object that has the tag key, and undefined inside arrays', () => {
    const value = { $mj: 'date', v: 'not a tag', items: [undefined, 1] };
    assert.deepEqual(roundTrip(value), value);
  });

  it('drops undefined fields like JSON does', () => {
    assert.deepEqual(roundTrip({ a: 1, b: undefined }), { a: 1 });
  });

  it('keeps class instances as their own enumerable fields for results and parameters (own-fields); #private fields are lost', () => {
    const decoded = roundTrip({ total: new Money(5, 'EUR'), lines: [new Money(1, 'EUR')] }, 'own-fields') as { total: object };
    assert.deepEqual(decoded, { total: { amount: 5, currency: 'EUR' }, lines: [{ amount: 1, currency: 'EUR' }] });
    assert.equal(Object.getPrototypeOf(decoded.total), Object.prototype, 'a plain object comes back, not a Money');
  });

  it('refuses a class instance nested in a payload, naming the path and the class, and says what to pass instead', () => {
    class Items extends Array<number> {}
    const cases: [unknown, string, RegExp][] = [
      [{ total: new Money(5, 'EUR') }, 'value.total', /an instance of Money would reach the handler as a plain object/],
      [{ lines: [{ price: new Money(1, 'EUR') }] }, 'value.lines[0].price', /an instance of Money/],
      [[new Money(1, 'EUR'), new Money(2, 'EUR')], 'value[0]', /an instance of Money/],
      [{ items: Items.from([1, 2]) }, 'value.items', /an instance of Items would reach the handler as a plain array/],
      [{ anonymous: new (class {})() }, 'value.anonymous', /an instance of an anonymous class/],
      [{ inherited: Object.create({ greet: () => 'hi' }) as unknown }, 'value.inherited', /custom prototype/],
      [{ pattern: /x/ }, 'value.pattern', /an instance of RegExp/],
      [{ error: new Error('no') }, 'value.error', /an instance of Error/],
    ];
    for (const [value, path, says] of cases) {
      const error = refusal(value);
      assert.equal(error.path, path, error.message);
      assert.match(error.message, says, path);
      assert.match(error.message, /without its class's methods or #private fields; pass plain data, e.g. its fields or a Date\/ISO string/, path);
    }
  });

  it('allows a class instance at the top (a request, restored by its registered type)', () => {
    assert.deepEqual(encodePayload(new Money(5, 'EUR'), 'PlaceOrder')._unsafeUnwrap(), { amount: 5, currency: 'EUR' });
  });

  it('still round-trips plain nested objects, null-prototype objects, Dates and bigints in payloads', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, when: new Date(5) });
    const value = { nested: { deeper: { n: 1n, at: new Date(0) } }, bare, list: [bare, [2n]] };
    const decoded = roundTrip(value) as typeof value;
    assert.deepEqual(decoded, { nested: { deeper: { n: 1n, at: new Date(0) } }, bare: { a: 1, when: new Date(5) }, list: [{ a: 1, when: new Date(5) }, [2n]] });
  });

  it('accepts plain objects, arrays and Dates of another realm (a vm context)', () => {
    const foreign = vm.runInNewContext('({ a: 1, list: [1, { b: 2 }], at: new Date(7) })') as unknown;
    assert.notEqual(Object.getPrototypeOf(foreign), Object.prototype, 'the object is of another realm');
    assert.deepEqual(roundTrip({ foreign }), { foreign: { a: 1, list: [1, { b: 2 }], at: new Date(7) } });
    assert.deepEqual(roundTrip({ plain: vm.runInNewContext('({a:1})') as unknown }), { plain: { a: 1 } });
    const foreignClass = vm.runInNewContext('class Money { constructor() { this.amount = 1; } }; new Money()') as unknown;
    assert.match(refusal({ foreignClass }).message, /an instance of Money/, 'a class instance of another realm is refused too');
  });

  it('a proxy whose getPrototypeOf trap throws is an error value naming its path, in payloads and results', () => {
    const trap = () => new Proxy({}, { getPrototypeOf: () => { throw new Error('prototype trap exploded'); } });
    for (const classInstances of ['refuse', 'own-fields'] as const) {
      const error = encodePayload({ inner: { odd: trap() } }, 'value', classInstances).match(() => assert.fail(`${classInstances}: expected an error`), (e) => e);
      assert.equal(error.kind, 'Unserializable', classInstances);
      assert.equal(error.path, 'value.inner.odd', `${classInstances}: ${error.message}`);
      assert.match(error.message, /reading its prototype threw: prototype trap exploded/, classInstances);
    }
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

function refusal(value: unknown): CodecError {
  return encodePayload(value).match(() => assert.fail('expected an error'), (e) => e);
}
