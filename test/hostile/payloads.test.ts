/**
 * Random, unstorable, oversized and NUL-laden payloads through every public
 * entry point that stores one. What enqueues Ok comes back equal (read back,
 * and as the response of the job once a server ran it); what cannot be stored
 * is an `Unserializable` error naming the path, and nothing is written.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ResultAsync } from 'neverthrow';
const MAX_PAYLOAD_DEPTH = 1000;
import { STORAGE_KINDS } from '../support/test-storage.js';
import { assertError, assertUnchanged, Carry, failOnUnhandledRejections, hostileEngine, refused, safeText, Sink, type Described, type HostileEngine } from './support.js';

failOnUnhandledRejections();

/** Strings of any UTF-16 code units: NUL, control characters, lone surrogates, quotes, backslashes. */
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 20 }),
  fc.constantFrom('', '\u0000', 'nul\u0000inside', "'; DROP TABLE jobs; --", '$mj', '{"$mj":"date"}', '\\u0000', '🚀'),
);

/** Object keys, including the ones a codec or an assignment could misread. */
const anyKey = fc.oneof(anyString, fc.constantFrom('$mj', 'v', '__proto__', 'constructor', 'prototype', 'toJSON', 'hasOwnProperty'));

/** What the codec promises to keep: JSON values plus Date and bigint, at any depth the generator reaches. */
const storable: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    anyString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
    fc.date({ noInvalidDate: true, min: new Date(-8.64e15), max: new Date(8.64e15) }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.array(fc.tuple(anyKey, tie('value')), { maxLength: 5 }).map(toObject),
  ),
})).value;

/** An object with exactly these own fields (`__proto__` included, as JSON.parse would make it). */
function toObject(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** JSON has no negative zero: it comes back as 0, the one change a round trip makes. */
function withoutNegativeZero(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? 0 : value;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return toObject(Object.entries(value).map(([key, field]) => [key, withoutNegativeZero(field)]));
  }
  return value;
}

/** Values that cannot be stored, and why the error should say so. */
const POISONS: readonly { readonly what: string; readonly make: () => unknown; readonly says: RegExp }[] = [
  { what: 'a function', make: () => () => 1, says: /function/ },
  { what: 'a class', make: () => class Hidden {}, says: /function/ },
  { what: 'a symbol', make: () => Symbol('s'), says: /symbol/ },
  { what: 'NaN', make: () => Number.NaN, says: /finite/ },
  { what: 'Infinity', make: () => -Infinity, says: /finite/ },
  { what: 'a Map', make: () => new Map([[1, 2]]), says: /Map/ },
  { what: 'a Set', make: () => new Set([1]), says: /Set/ },
  { what: 'a typed array', make: () => new Uint8Array(2), says: /Uint8Array/ },
  { what: 'an invalid Date', make: () => new Date('no date'), says: /invalid Date/ },
  { what: 'a promise', make: () => Promise.resolve(1), says: /Promise/ },
  { what: 'a getter that throws', make: () => ({ get boom(): never { throw new Error('getter exploded'); } }), says: /getter exploded/ },
  { what: 'a proxy whose traps throw', make: () => new Proxy({}, { ownKeys: () => { throw new Error('trap exploded'); } }), says: /trap exploded/ },
  { what: 'a proxy whose getPrototypeOf trap throws', make: () => new Proxy({}, { getPrototypeOf: () => { throw new Error('prototype trap exploded'); } }), says: /prototype trap exploded/ },
  { what: 'nesting deeper than the limit', make: () => nested(MAX_PAYLOAD_DEPTH + 1), says: /deeper than/ },
  { what: 'nesting that would overflow the stack', make: () => nested(100_000), says: /deeper than/ },
];

/** A value object with a method: a handler given a plain object in its place would fail calling it. */
class Money {
  constructor(readonly amount: number, readonly currency: string) {}
  format(): string {
    return `${this.amount} ${this.currency}`;
  }
}

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? [value] : { inner: value };
  return value;
}

/** A storable value with `poison` put at a random place inside it (or as a cycle back to its root). */
const poisoned = fc.record({
  base: fc.array(fc.tuple(fc.string({ maxLength: 5 }), storable), { minLength: 1, maxLength: 4 }).map(toObject),
  poison: fc.oneof(fc.constantFrom(...POISONS.keys()), fc.constant('cycle' as const)),
  where: fc.array(fc.nat(), { maxLength: 4 }),
}).map(({ base, poison, where }) => {
  const root = structuredClone(base);
  // Walk to a container along `where`, then plant the poison in it.
  let container: Record<string, unknown> | unknown[] = root;
  for (const step of where) {
    const children: Record<string, unknown>[] = Object.values(container).filter((child): child is Record<string, unknown> => typeof child === 'object' && child !== null && !(child instanceof Date));
    if (children.length === 0) break;
    container = children[step % children.length]!;
  }
  const value = poison === 'cycle' ? root : POISONS[poison]!.make();
  if (Array.isArray(container)) container.push(value);
  else container.planted = value;
  const says = poison === 'cycle' ? /cycle/ : POISONS[poison]!.says;
  return { root, says, what: poison === 'cycle' ? 'a cycle' : POISONS[poison]!.what };
});

type Store = (value: unknown) => ResultAsync<unknown, Described>;

/** Every public call that stores a payload the caller gives, by name. */
function storingCalls(e: HostileEngine, parentId: string): [string, Store][] {
  const { engine, mediator, dispatcher } = e;
  return [
    ['client.enqueue', (v) => engine.client.enqueue(new Carry(v))],
    ['client.schedule', (v) => engine.client.schedule(new Carry(v), 60_000)],
    ['client.continueWith', (v) => engine.client.continueWith(parentId, new Carry(v))],
    ['client.enqueueBatch (bad one in the middle)', (v) => engine.client.enqueueBatch([new Carry(1), new Carry(v), new Carry(3)])],
    ['client.enqueue parameters', (v) => engine.client.enqueue(new Carry(1), { parameters: { hostile: v } })],
    ['client.setParameter', (v) => engine.client.setParameter(parentId, 'hostile', v)],
    ['jobMediator.enqueue', (v) => mediator.enqueue(new Carry(v))],
    ['jobMediator.enqueueAwait', (v) => mediator.enqueueAwait(new Carry(v), { timeout: 1 })],
    ['dispatcher.dispatch (request)', (v) => dispatcher.dispatch(new Carry(v))],
    ['dispatcher.dispatch (method call)', (v) => dispatcher.dispatch(Sink, (s) => s.take(v))],
    ['dispatcher.dispatchAwait (method call)', (v) => dispatcher.dispatchAwait(Sink, (s) => s.take(v), { timeout: 1 })],
    ['dispatcher.continueWith', (v) => dispatcher.continueWith(parentId, new Carry(v))],
    ['recurring.addOrUpdate', (v) => engine.recurring.addOrUpdate('hostile-recurring', new Carry(v), '0 * * * *')],
    ['dispatcher.addOrUpdateRecurring (method call)', (v) => dispatcher.addOrUpdateRecurring('hostile-recurring', Sink, (s) => s.take(v), '0 * * * *')],
  ];
}

for (const kind of STORAGE_KINDS) {
  describe(`payloads (${kind})`, () => {
    it('property: any JSON value with Dates and bigints enqueues Ok and reads back equal (payload and parameter)', async () => {
      const e = await hostileEngine(kind);
      try {
        await fc.assert(
          fc.asyncProperty(storable, async (value) => {
            const id = (await e.engine.client.enqueue(new Carry(value), { parameters: { copy: value } }))._unsafeUnwrap();
            const view = (await e.engine.monitoring.jobDetails(id))._unsafeUnwrap();
            const expected = withoutNegativeZero(value);
            assert.deepStrictEqual(view.payload, toObject([['value', expected]]));
            assert.deepStrictEqual((await e.engine.client.getParameter(id, 'copy'))._unsafeUnwrap(), expected);
          }),
          { numRuns: 150, seed: 20_26_8 },
        );
      } finally {
        await e.dispose();
      }
    });

    it('property: what enqueues Ok comes back equal as the response once a server ran the job', async () => {
      const e = await hostileEngine(kind);
      try {
        await e.startServer();
        await fc.assert(
          fc.asyncProperty(storable, async (value) => {
            const response = (await e.mediator.enqueueAwait(new Carry(value), { timeout: 30_000 }))._unsafeUnwrap();
            assert.deepStrictEqual(response, withoutNegativeZero(value));
          }),
          { numRuns: 40, seed: 8_20_26 },
        );
        assert.deepEqual(e.logger.errors(), [], 'no job failed');
      } finally {
        await e.dispose();
      }
    });

    it('property: a payload with something unstorable anywhere is Unserializable at every entry point, naming it, and nothing is written', async () => {
      const e = await hostileEngine(kind);
      try {
        const parentId = (await e.engine.client.enqueue(new Carry('parent'), { parameters: { p: 1 } }))._unsafeUnwrap();
        const calls = storingCalls(e, parentId);
        await assertUnchanged(e.t, 'unstorable payloads', () =>
          fc.assert(
            fc.asyncProperty(poisoned, fc.nat({ max: calls.length - 1 }), async ({ root, says, what }, index) => {
              const [name, store] = calls[index]!;
              const error = await refused(`${name} with ${what}`, () => store(root));
              assert.equal(error.kind, 'Unserializable', `${name} with ${what}: ${error.message}`);
              assert.match(error.message, says, `${name} with ${what}`);
              assert.match(error.message, /cannot be stored/);
            }),
            { numRuns: 200, seed: 2026_08 },
          ),
        );
      } finally {
        await e.dispose();
      }
    });

    it('every poison at every entry point, at the top of the payload', async () => {
      const e = await hostileEngine(kind);
      try {
        const parentId = (await e.engine.client.enqueue(new Carry('parent')))._unsafeUnwrap();
        await assertUnchanged(e.t, 'poisons', async () => {
          for (const [name, store] of storingCalls(e, parentId)) {
            for (const poison of POISONS) {
              const error = await refused(`${name} with ${poison.what}`, () => store(poison.make()));
              assert.equal(error.kind, 'Unserializable', `${name} with ${poison.what}: ${error.message}`);
              assert.match(error.message, poison.says, `${name} with ${poison.what}`);
            }
          }
        });
      } finally {
        await e.dispose();
      }
    });

    it('a class instance nested in a payload is Unserializable at every payload entry point, naming path and class, and nothing is written; parameters keep its fields', async () => {
      const e = await hostileEngine(kind);
      try {
        const parentId = (await e.engine.client.enqueue(new Carry('parent')))._unsafeUnwrap();
        // Parameters are named JSON values, not what the job runs with: they keep a class instance's fields (checked below).
        const payloadCalls = storingCalls(e, parentId).filter(([name]) => !name.includes('arameter'));
        const values: [string, unknown, RegExp][] = [
          ['a nested instance', { order: { total: new Money(5, 'EUR') } }, /\.order\.total cannot be stored: an instance of Money/],
          ['a list of instances', { lines: [new Money(1, 'EUR'), new Money(2, 'EUR')] }, /\.lines\[0\] cannot be stored: an instance of Money/],
          ['an instance as the value', new Money(3, 'EUR'), /(value|arguments\[0\]) cannot be stored: an instance of Money/],
        ];
        await assertUnchanged(e.t, 'class instances in payloads', async () => {
          for (const [name, store] of payloadCalls) {
            for (const [what, value, says] of values) {
              const error = await refused(`${name} with ${what}`, () => store(value));
              assertError(error, 'Unserializable', says, `${name} with ${what}`);
              assert.match(error.message, /pass plain data, e\.g\. its fields or a Date\/ISO string/, `${name} with ${what}`);
            }
          }
        });
        const id = (await e.engine.client.enqueue(new Carry(1), { parameters: { price: { total: new Money(4, 'EUR') } } }))._unsafeUnwrap();
        (await e.engine.client.setParameter(id, 'prices', [new Money(6, 'EUR')]))._unsafeUnwrap();
        assert.deepStrictEqual((await e.engine.client.getParameter(id, 'price'))._unsafeUnwrap(), { total: { amount: 4, currency: 'EUR' } });
        assert.deepStrictEqual((await e.engine.client.getParameter(id, 'prices'))._unsafeUnwrap(), [{ amount: 6, currency: 'EUR' }]);
      } finally {
        await e.dispose();
      }
    });

    it('a request that is itself a hostile proxy is an error value at every entry point, never a throw, and nothing is written', async () => {
      const e = await hostileEngine(kind);
      const boom = (trap: string) => () => {
        throw new Error(`${trap} trap exploded`);
      };
      const proxies: [string, () => Carry][] = [
        ['a getPrototypeOf trap that throws', () => new Proxy(new Carry(1), { getPrototypeOf: boom('getPrototypeOf') })],
        ['a get trap that throws', () => new Proxy(new Carry(1), { get: boom('get') })],
        ['has and ownKeys traps that throw', () => new Proxy(new Carry(1), { has: boom('has'), ownKeys: boom('ownKeys') })],
      ];
      try {
        const parentId = (await e.engine.client.enqueue(new Carry('parent')))._unsafeUnwrap();
        const calls: [string, (request: Carry) => ResultAsync<unknown, Described>][] = [
          ['mediator.send', (r) => e.mediator.send(r).mapErr((error) => ({ kind: error.kind, message: 'message' in error ? error.message : error.kind }))],
          ['client.enqueue', (r) => e.engine.client.enqueue(r)],
          ['client.schedule', (r) => e.engine.client.schedule(r, 60_000)],
          ['client.continueWith', (r) => e.engine.client.continueWith(parentId, r)],
          ['client.enqueueBatch', (r) => e.engine.client.enqueueBatch([new Carry(1), r])],
          ['jobMediator.enqueue', (r) => e.mediator.enqueue(r)],
          ['jobMediator.enqueueAwait', (r) => e.mediator.enqueueAwait(r, { timeout: 1 })],
          ['dispatcher.dispatch', (r) => e.dispatcher.dispatch(r)],
          ['dispatcher.dispatchAwait', (r) => e.dispatcher.dispatchAwait(r, { timeout: 1 })],
          ['dispatcher.continueWith', (r) => e.dispatcher.continueWith(parentId, r)],
          ['dispatcher.addOrUpdateRecurring', (r) => e.dispatcher.addOrUpdateRecurring('hostile-proxy', r, '0 * * * *')],
          ['recurring.addOrUpdate', (r) => e.engine.recurring.addOrUpdate('hostile-proxy', r, '0 * * * *')],
        ];
        await assertUnchanged(e.t, 'hostile requests', async () => {
          for (const [name, call] of calls) {
            for (const [what, make] of proxies) {
              // send hands the request to its handler as it is: it never enumerates it.
              if (name === 'mediator.send' && what.startsWith('has')) continue;
              let answer: ResultAsync<unknown, Described> | undefined;
              assert.doesNotThrow(() => void (answer = call(make())), `${name} with ${what} throws`);
              const error = await refused(`${name} with ${what}`, () => answer!);
              assert.match(error.message, /trap exploded/, `${name} with ${what}: ${error.message}`);
            }
          }
        });
      } finally {
        await e.dispose();
      }
    });

    it('keeps an own __proto__ field as data, never as the restored object\'s prototype', async () => {
      const e = await hostileEngine(kind);
      try {
        await e.startServer();
        const value = JSON.parse('{"__proto__": {"polluted": true}, "plain": 1}') as unknown;
        const id = (await e.engine.client.enqueue(new Carry(value)))._unsafeUnwrap();
        const payload = (await e.engine.monitoring.jobDetails(id))._unsafeUnwrap().payload as { value: Record<string, unknown> };
        assert.deepStrictEqual(Object.keys(payload.value), ['__proto__', 'plain']);
        assert.equal(Object.getPrototypeOf(payload.value), Object.prototype);
        assert.equal((payload.value as { polluted?: unknown }).polluted, undefined, 'the field did not become a prototype');
        // A stored request whose own fields include __proto__ keeps its class.
        const seen: unknown[] = [];
        e.engine.filters.add({ onPerforming: (context) => void seen.push(context.job) })._unsafeUnwrap();
        const hostile = Object.assign(new Carry('x'), {});
        Object.defineProperty(hostile, '__proto__', { value: { evil: true }, enumerable: true, writable: true, configurable: true });
        const response = (await e.mediator.enqueueAwait(hostile, { timeout: 30_000 }))._unsafeUnwrap();
        assert.equal(response, 'x');
        const restored = seen.at(-1) as { kind: string; request: unknown };
        assert.ok(restored.request instanceof Carry, 'the restored request is still a Carry');
        assert.deepStrictEqual(Object.getOwnPropertyDescriptor(restored.request, '__proto__')?.value, { evil: true });
      } finally {
        await e.dispose();
      }
    });

    it('stores a large payload (8 MB of text, 200,000 items) and nesting up to the depth limit, and reads them back', async () => {
      const e = await hostileEngine(kind);
      try {
        const large = { text: 'x\u0000é🚀'.repeat(2 * 1024 * 1024), items: Array.from({ length: 200_000 }, (_, i) => i) };
        const id = (await e.engine.client.enqueue(new Carry(large)))._unsafeUnwrap();
        assert.deepStrictEqual(((await e.engine.monitoring.jobDetails(id))._unsafeUnwrap().payload as { value: unknown }).value, large);
        const deepest = nested(MAX_PAYLOAD_DEPTH - 1);
        const deepId = (await e.engine.client.enqueue(new Carry(deepest)))._unsafeUnwrap();
        assert.deepStrictEqual(((await e.engine.monitoring.jobDetails(deepId))._unsafeUnwrap().payload as { value: unknown }).value, deepest);
      } finally {
        await e.dispose();
      }
    });
  });
}

describe('payload refusals say where', () => {
  it('names the path of the unstorable part in the message', async () => {
    const e = await hostileEngine('Embedded');
    try {
      const error = await refused('a function deep inside', () => e.engine.client.enqueue(new Carry({ list: [1, { callback: () => 1 }] })));
      assert.equal(error.kind, 'Unserializable');
      assert.match(error.message, /hostile\.Carry\.value\.list\[1\]\.callback/);
      assert.ok(!/=>/.test(safeText(error)), 'the function itself is not echoed');
    } finally {
      await e.dispose();
    }
  });
});
