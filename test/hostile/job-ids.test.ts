/** Job ids that are not ids, given to every public API that takes one: an error value naming the id, and nothing changed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ResultAsync } from 'neverthrow';
import type { JobId } from '../../src/storage/job-types.js';
import { STORAGE_KINDS } from '../support/test-storage.js';
import { assertError, assertUnchanged, Carry, failOnUnhandledRejections, hostileEngine, refused, Sink, type Described, type HostileEngine } from './support.js';

failOnUnhandledRejections();

/** Not job ids: job ids are positive whole numbers up to PostgreSQL's bigint maximum, as decimal strings. */
const NOT_IDS: readonly unknown[] = [
  '', 'abc', '-1', '0', '01', '1e3', '1.0', '0x1F', ' 1', '1 ', '+1', '1\u0000', '\u0000', '١٢', '１',
  '99999999999999999999999', '9223372036854775808', "1; DELETE FROM jobs; --", "1' OR '1'='1", '1 OR 1=1',
  undefined, null, {}, [], ['1'], 1, 1n, Number.NaN, true, () => '1', Symbol('1'), new String('1'), Object.create(null),
];

/** A valid id that no job has. */
const ABSENT_ID = '9223372036854775807';

type Call = (id: JobId) => ResultAsync<unknown, Described>;

/** Every public call taking a job id, by name. */
function callsTakingAJobId(e: HostileEngine): [string, Call][] {
  const { engine, mediator, dispatcher, execution, watcher } = e;
  return [
    ['client.delete', (id) => engine.client.delete(id)],
    ['client.requeue', (id) => engine.client.requeue(id)],
    ['client.setParameter', (id) => engine.client.setParameter(id, 'p', 1)],
    ['client.getParameter', (id) => engine.client.getParameter(id, 'p')],
    ['client.continueWith (parent id)', (id) => engine.client.continueWith(id, new Carry(1))],
    ['monitoring.jobDetails (details and state history)', (id) => engine.monitoring.jobDetails(id)],
    ['jobMediator.enqueue continueFrom', (id) => mediator.enqueue(new Carry(1), { continueFrom: id })],
    ['jobMediator.enqueueAwait continueFrom', (id) => mediator.enqueueAwait(new Carry(1), { continueFrom: id, timeout: 5_000 })],
    ['dispatcher.dispatch continueFrom', (id) => dispatcher.dispatch(new Carry(1), { continueFrom: id })],
    ['dispatcher.continueWith (request)', (id) => dispatcher.continueWith(id, new Carry(1))],
    ['dispatcher.continueWith (method call)', (id) => dispatcher.continueWith(id, Sink, (s) => s.take(1))],
    ['dispatcher.dispatchAwait continueFrom', (id) => dispatcher.dispatchAwait(new Carry(1), { continueFrom: id, timeout: 5_000 })],
    ['execution.getJobResultReturnedItem', (id) => execution.getJobResultReturnedItem(id)],
    ['execution.getJobResultReturnedItems', (id) => execution.getJobResultReturnedItems(id)],
    ['completionWatcher.waitFor', (id) => watcher.waitFor(id, { timeoutMs: 5_000 })],
  ];
}

for (const kind of STORAGE_KINDS) {
  describe(`job ids that are not ids (${kind})`, () => {
    it('every API taking a job id refuses each with InvalidOptions naming it, changing nothing', async () => {
      const e = await hostileEngine(kind);
      try {
        // Something in every table, so "unchanged" is not trivially true.
        const parent = (await e.engine.client.enqueue(new Carry('parent'), { parameters: { p: 1 } }))._unsafeUnwrap();
        (await e.engine.client.continueWith(parent, new Carry('child')))._unsafeUnwrap();
        for (const [name, call] of callsTakingAJobId(e)) {
          await assertUnchanged(e.t, name, async () => {
            for (const id of NOT_IDS) {
              // An absent option means "not a continuation", which is no error.
              if (id === undefined && name.includes('continueFrom')) continue;
              const what = `${name}(${describeId(id)})`;
              const error = await refused<Described>(what, () => call(id as JobId));
              assertError(error, 'InvalidOptions', /is not a job id/, what);
            }
          });
        }
      } finally {
        await e.dispose();
      }
    });

    it('an id of the right form that no job has is JobNotFound, changing nothing', async () => {
      const e = await hostileEngine(kind);
      try {
        (await e.engine.client.enqueue(new Carry('present')))._unsafeUnwrap();
        await assertUnchanged(e.t, 'absent ids', async () => {
          for (const [name, call] of callsTakingAJobId(e)) {
            // Reading a parameter of a missing job answers JobNotFound too; a wait for it as well.
            const error = await refused<Described>(`${name}(${ABSENT_ID})`, () => call(ABSENT_ID));
            assertError(error, 'JobNotFound', new RegExp(ABSENT_ID), name);
          }
        });
      } finally {
        await e.dispose();
      }
    });

    it('property: any string that is not a positive bigint in decimal is refused by lookups, delete and requeue', async () => {
      const e = await hostileEngine(kind);
      try {
        (await e.engine.client.enqueue(new Carry('present')))._unsafeUnwrap();
        const isId = (s: string) => /^[1-9][0-9]{0,18}$/.test(s) && BigInt(s) <= 9223372036854775807n;
        const candidates = fc.oneof(
          fc.string({ unit: 'binary', maxLength: 30 }),
          fc.bigInt().map((n) => n.toString()),
          fc.tuple(fc.constantFrom('', ' ', '-', '+', '0', "'", ';', '\u0000'), fc.bigInt({ min: 1n, max: 2n ** 70n }), fc.constantFrom('', ' ', 'x', '.0', '\n')).map(([a, n, b]) => `${a}${n}${b}`),
        ).filter((s) => !isId(s));
        await assertUnchanged(e.t, 'random ids', async () => {
          await fc.assert(
            fc.asyncProperty(candidates, async (id) => {
              for (const [name, call] of [
                ['jobDetails', (i: JobId) => e.engine.monitoring.jobDetails(i)],
                ['delete', (i: JobId) => e.engine.client.delete(i)],
                ['requeue', (i: JobId) => e.engine.client.requeue(i)],
                ['result', (i: JobId) => e.execution.getJobResultReturnedItem(i)],
              ] as const) {
                const error = await refused<Described>(`${name}(${describeId(id)})`, () => call(id));
                assert.equal(error.kind, 'InvalidOptions', `${name}(${describeId(id)}): ${error.message}`);
              }
            }),
            { numRuns: 150, seed: 8_2026 },
          );
        });
      } finally {
        await e.dispose();
      }
    });
  });
}

function describeId(id: unknown): string {
  if (typeof id === 'symbol') return id.toString();
  if (typeof id === 'function') return 'a function';
  if (typeof id === 'bigint') return `${id}n`;
  try {
    return JSON.stringify(id) ?? String(id);
  } catch {
    return String(id);
  }
}
