/**
 * Queue names, recurring job ids, parameter names, time zones, type names and
 * schema names with quotes, spaces, unicode, control characters and SQL, at
 * every public entry point that takes one: refused with an error value naming
 * the value, nothing written, nothing thrown. Names that are allowed (SQL text
 * in a recurring id, say) are stored exactly as given: values only ever
 * travel as query parameters.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ResultAsync } from 'neverthrow';
import { resolveOptions } from '../../src/config/index.js';
import { Request } from '../../src/mediator/index.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { formatStorageError, type StorageError } from '../../src/storage/storage-error.js';
import type { PGlite } from '@electric-sql/pglite';
import { STORAGE_KINDS, type StorageKind } from '../support/test-storage.js';
import { assertError, assertUnchanged, Carry, failOnUnhandledRejections, hostileEngine, refused, Sink, type Described, type HostileEngine } from './support.js';

failOnUnhandledRejections();

const QUEUE_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Hand-picked hostile names; the property tests add random ones. */
const HOSTILE_TEXT: readonly string[] = [
  '', ' ', 'a b', ' default', 'default ', "x'; DROP TABLE jobs; --", 'x"; DROP SCHEMA public CASCADE; --', "O'Brien", '"quoted"', 'back\\slash',
  'new\nline', 'tab\there', 'nul\u0000byte', '\u0000', 'émoji✓', '🚀', 'ünïcødé', 'Ω', 'zero\u200bwidth', 'rtl\u202eoverride', '%', '_%_', '$1',
  'q'.repeat(65), 'x'.repeat(10_000),
];
const NON_STRINGS: readonly unknown[] = [5, true, {}, [], ['default'], () => 'default', Symbol('q'), 1n, Object.create(null)];

type Named = (name: string) => ResultAsync<unknown, Described>;

/** Every public call that takes a queue name. */
function queueCalls(e: HostileEngine, parentId: string): [string, Named][] {
  const { engine, mediator, dispatcher } = e;
  return [
    ['client.enqueue', (queue) => engine.client.enqueue(new Carry(1), { queue })],
    ['client.schedule', (queue) => engine.client.schedule(new Carry(1), 1000, { queue })],
    ['client.continueWith', (queue) => engine.client.continueWith(parentId, new Carry(1), { queue })],
    ['client.enqueueBatch', (queue) => engine.client.enqueueBatch([new Carry(1), { job: new Carry(2), options: { queue } }])],
    ['jobMediator.enqueue', (queue) => mediator.enqueue(new Carry(1), { queue })],
    ['jobMediator.enqueueAwait', (queue) => mediator.enqueueAwait(new Carry(1), { queue, timeout: 5_000 })],
    ['dispatcher.dispatch (method call)', (queue) => dispatcher.dispatch(Sink, (s) => s.take(1), { queue })],
    ['dispatcher.dispatchAwait', (queue) => dispatcher.dispatchAwait(new Carry(1), { queue, timeout: 5_000 })],
    ['dispatcher.continueWith', (queue) => dispatcher.continueWith(parentId, new Carry(1), { queue })],
    ['recurring.addOrUpdate', (queue) => engine.recurring.addOrUpdate('r', new Carry(1), '* * * * *', { queue })],
    ['dispatcher.addOrUpdateRecurring', (queue) => dispatcher.addOrUpdateRecurring('r', new Carry(1), '* * * * *', { queue })],
  ];
}

/** Every public call that takes a recurring job id. */
function recurringIdCalls(e: HostileEngine): [string, Named][] {
  const { engine, dispatcher } = e;
  return [
    ['recurring.addOrUpdate', (id) => engine.recurring.addOrUpdate(id, new Carry(1), '* * * * *')],
    ['recurring.removeIfExists', (id) => engine.recurring.removeIfExists(id)],
    ['recurring.trigger', (id) => engine.recurring.trigger(id)],
    ['recurring.pause', (id) => engine.recurring.pause(id)],
    ['recurring.resume', (id) => engine.recurring.resume(id)],
    ['dispatcher.addOrUpdateRecurring', (id) => dispatcher.addOrUpdateRecurring(id, Sink, (s) => s.take(1), '* * * * *')],
    ['dispatcher.removeRecurring', (id) => dispatcher.removeRecurring(id)],
    ['dispatcher.triggerRecurring', (id) => dispatcher.triggerRecurring(id)],
    ['execution.getLastSuccessfulRun', (key) => e.execution.getLastSuccessfulRun(key)],
  ];
}

/** Something in every table, so "unchanged" is not trivially true. */
async function seed(e: HostileEngine): Promise<string> {
  const parentId = (await e.engine.client.enqueue(new Carry('parent'), { parameters: { p: 1 } }))._unsafeUnwrap();
  (await e.engine.recurring.addOrUpdate('existing', new Carry(1), '0 0 * * *'))._unsafeUnwrap();
  return parentId;
}

for (const kind of STORAGE_KINDS) {
  describe(`names (${kind})`, () => {
    it('refuses every hostile queue name at every entry point taking one, naming it, changing nothing', async () => {
      const e = await hostileEngine(kind);
      try {
        const parentId = await seed(e);
        await assertUnchanged(e.t, 'hostile queue names', async () => {
          for (const [name, call] of queueCalls(e, parentId)) {
            for (const queue of [...HOSTILE_TEXT, ...NON_STRINGS]) {
              const what = `${name} queue ${show(queue)}`;
              assertError(await refused(what, () => call(queue as string)), 'InvalidOptions', /Queue name .* is refused/s, what);
            }
          }
        });
      } finally {
        await e.dispose();
      }
    });

    it('property: a random queue name is stored exactly when it fits the rule, and refused (changing nothing) otherwise', async () => {
      const e = await hostileEngine(kind);
      try {
        const parentId = await seed(e);
        const calls = queueCalls(e, parentId);
        const names = fc.oneof(
          fc.string({ unit: 'binary', maxLength: 70 }),
          fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/),
          fc.constantFrom(...HOSTILE_TEXT),
        );
        await fc.assert(
          fc.asyncProperty(names, fc.nat({ max: calls.length - 1 }), async (queue, index) => {
            const [name, call] = calls[index]!;
            if (QUEUE_NAME.test(queue)) {
              if (name.includes('Await')) return; // would wait for a server; the plain calls cover storing
              assert.ok((await call(queue)).isOk(), `${name} queue ${JSON.stringify(queue)} is a valid name`);
              return;
            }
            await assertUnchanged(e.t, `${name} queue ${JSON.stringify(queue)}`, async () => {
              assertError(await refused(name, () => call(queue)), 'InvalidOptions', /Queue name/, `${name} queue ${JSON.stringify(queue)}`);
            });
          }),
          { numRuns: 150, seed: 4_2026 },
        );
        // Valid names were stored exactly as given.
        const queues = (await e.engine.monitoring.queues())._unsafeUnwrap().map((q) => q.name);
        for (const queue of queues) assert.match(queue, QUEUE_NAME);
      } finally {
        await e.dispose();
      }
    });

    it('refuses empty, over-long, control-character and non-string recurring ids everywhere, and stores SQL, quotes and unicode ids exactly', async () => {
      const e = await hostileEngine(kind);
      try {
        await seed(e);
        const bad = [...HOSTILE_TEXT.filter((id) => id === '' || id.length > 200 || [...id].some((c) => c.charCodeAt(0) < 0x20)), ...NON_STRINGS, undefined, null];
        await assertUnchanged(e.t, 'hostile recurring ids', async () => {
          for (const [name, call] of recurringIdCalls(e)) {
            for (const id of bad) {
              const what = `${name}(${show(id)})`;
              assertError(await refused(what, () => call(id as string)), 'InvalidOptions', /is invalid: use 1 to 200 printable characters/, what);
            }
          }
        });
        const allowed = HOSTILE_TEXT.filter((id) => !bad.includes(id));
        for (const id of allowed) (await e.engine.recurring.addOrUpdate(id, new Carry(id), '0 0 * * *'))._unsafeUnwrap();
        const stored = (await e.engine.monitoring.recurringJobs())._unsafeUnwrap().map((r) => r.id);
        assert.deepEqual(new Set(stored), new Set(['existing', ...allowed]));
        for (const id of allowed) assert.equal((await e.engine.recurring.removeIfExists(id))._unsafeUnwrap(), true, `removed ${JSON.stringify(id)}`);
      } finally {
        await e.dispose();
      }
    });

    it('refuses hostile parameter names, in options and setParameter, changing nothing', async () => {
      const e = await hostileEngine(kind);
      try {
        const parentId = await seed(e);
        const bad = ['', 'x'.repeat(201), 'new\nline', 'nul\u0000', '\u0000', '\u001b[31mred', 'del\u007f', 'c1\u009bcontrol'];
        await assertUnchanged(e.t, 'hostile parameter names', async () => {
          for (const name of bad) {
            const what = `parameter name ${JSON.stringify(name)}`;
            assertError(await refused(`enqueue ${what}`, () => e.engine.client.enqueue(new Carry(1), { parameters: { [name]: 1 } })), 'InvalidOptions', /Parameter name/, what);
            assertError(await refused(`setParameter ${what}`, () => e.engine.client.setParameter(parentId, name, 1)), 'InvalidOptions', /Parameter name/, what);
            assertError(await refused(`getParameter ${what}`, () => e.engine.client.getParameter(parentId, name)), 'InvalidOptions', /Parameter name/, what);
            assertError(await refused(`dispatch ${what}`, () => e.dispatcher.dispatch(new Carry(1), { parameters: { [name]: 1 } })), 'InvalidOptions', /Parameter name/, what);
          }
          for (const parameters of ['text', ['a'], 5, true, () => 1]) {
            const what = `parameters ${show(parameters)}`;
            assertError(await refused(what, () => e.engine.client.enqueue(new Carry(1), { parameters: parameters as never })), 'InvalidOptions', /parameters/, what);
          }
        });
        // Quotes, SQL and unicode in names and NUL in values are data.
        for (const name of ["x'; DROP TABLE job_parameters; --", 'émoji✓', '"q"']) {
          (await e.engine.client.setParameter(parentId, name, 'nul\u0000value'))._unsafeUnwrap();
          assert.equal((await e.engine.client.getParameter(parentId, name))._unsafeUnwrap(), 'nul\u0000value');
        }
      } finally {
        await e.dispose();
      }
    });

    it('refuses time zones that are not IANA names, and type names storage cannot hold, changing nothing', async () => {
      const e = await hostileEngine(kind);
      try {
        await seed(e);
        class NulNamed extends Request<unknown> {
          static readonly requestTypeName = 'nul\u0000named';
        }
        class LongNamed extends Request<unknown> {
          static readonly requestTypeName = 'x'.repeat(201);
        }
        e.registry.addHandler(NulNamed, { handle: () => 1 })._unsafeUnwrap();
        e.registry.addHandler(LongNamed, { handle: () => 1 })._unsafeUnwrap();
        await assertUnchanged(e.t, 'hostile time zones and type names', async () => {
          for (const timeZone of ['Mars/Olympus_Mons', '+02:00', 'UTC+2', '', ' ', 'UTC; DROP TABLE recurring_jobs', '\u0000', 'x'.repeat(10_000), 5, {}]) {
            const what = `time zone ${show(timeZone)}`;
            const error = await refused(what, () => e.engine.recurring.addOrUpdate('tz', new Carry(1), '* * * * *', { timeZone: timeZone as string }));
            assertError(error, 'InvalidTimeZone', /Time zone .* is refused/s, what);
          }
          for (const job of [new NulNamed(), new LongNamed()]) {
            const what = `type name ${JSON.stringify(job.constructor.name)}`;
            assertError(await refused(what, () => e.engine.client.enqueue(job)), 'InvalidOptions', /Type name/, what);
            assertError(await refused(what, () => e.engine.recurring.addOrUpdate('typed', job, '* * * * *')), 'InvalidOptions', /Type name/, what);
          }
        });
      } finally {
        await e.dispose();
      }
    });

    it('property: any schema name that is not a plain identifier is refused by openStorage and configuration before any SQL', async () => {
      const touched: string[] = [];
      const options = unusable(kind, touched);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.string({ unit: 'binary', maxLength: 70 }), fc.constantFrom(...HOSTILE_TEXT, 'a'.repeat(64), '1abc', 'dash-ed', 'dot.ted', 'pg_catalog"')),
          async (schemaName) => {
            fc.pre(!PLAIN_IDENTIFIER.test(schemaName));
            const error = await refused(`openStorage schema ${JSON.stringify(schemaName)}`, () => openStorage({ ...options, schemaName }).mapErr(described));
            assertError(error, 'InvalidInput', /^Schema name .* is refused/s, JSON.stringify(schemaName));
            const config = resolveOptions({ SchemaName: schemaName }).match(() => assert.fail(`SchemaName ${JSON.stringify(schemaName)} accepted`), (e) => e);
            assert.equal(config.kind, 'InvalidValue');
            assert.match(config.message, /^SchemaName /);
          },
        ),
        { numRuns: 200, seed: 63 },
      );
      for (const schemaName of NON_STRINGS) {
        const error = await refused(`openStorage schema ${show(schemaName)}`, () => openStorage({ ...options, schemaName: schemaName as string }).mapErr(described));
        assertError(error, 'InvalidInput', /Schema name/, show(schemaName));
      }
      assert.deepEqual(touched, [], 'the database was never used');
    });
  });
}

/** Options whose database records (and fails) any use, so a refusal provably came before SQL. */
function unusable(kind: StorageKind, touched: string[]) {
  if (kind === 'PostgreSql') return { type: 'PostgreSql' as const, connectionString: 'postgres://u:p@127.0.0.1:1/db' };
  const trap = new Proxy({}, {
    get(_target, property) {
      touched.push(String(property));
      return () => Promise.reject(new Error(`PGlite.${String(property)} was used`));
    },
  }) as PGlite;
  return { type: 'Embedded' as const, pglite: trap };
}

/** A storage error with the message every other error carries. */
function described(error: StorageError): Described {
  return { kind: error.kind, message: formatStorageError(error) };
}

function show(value: unknown): string {
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
