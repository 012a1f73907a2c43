/**
 * Every configuration key with values of the wrong type, through code,
 * settings files and environment variables; storage options and per-call
 * options with wrong types. Each is an error value naming the key, never a
 * throw, and a refused call stores nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { okAsync, type ResultAsync } from 'neverthrow';
import { loadConfiguration, resolveOptions, type ConfigError } from '../../src/config/index.js';
import { SETTING_KEYS } from '../../src/config/setting-keys.js';
import { createDashboard } from '../../src/dashboard/create-dashboard.js';
import { Notification } from '../../src/mediator/index.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { STORAGE_KINDS } from '../support/test-storage.js';
import { assertUnchanged, Carry, failOnUnhandledRejections, hostileEngine, refused, type Described } from './support.js';

failOnUnhandledRejections();

/** Values of every JavaScript type but the ones a key accepts. */
const WRONG_TYPES: readonly [string, unknown][] = [
  ['an object', { nested: 1 }],
  ['a function', () => 1],
  ['a symbol', Symbol('setting')],
  ['a bigint', 10n],
  ['NaN', Number.NaN],
  ['Infinity', Infinity],
  ['a negative number', -1],
  ['an object without a prototype', Object.create(null)],
  ['a boolean', true],
  ['a list', ['a', 'b']],
  ['a string with NUL', 'x\u0000y'],
];

/** What each key may legitimately read a value of one of the types above as (so it is not an error). */
const ACCEPTED: Partial<Record<(typeof SETTING_KEYS)[number], readonly string[]>> = {
  PrepareSchemaIfNecessary: ['a boolean'],
  Queues: ['a list'],
  // A connection string or a directory is the user's text; NUL fails when it is used, not here.
  StorageConnectionString: ['a string with NUL'],
  EmbeddedDataDirectory: ['a string with NUL'],
};

function configError(outcome: ReturnType<typeof resolveOptions>, what: string): ConfigError {
  return outcome.match(() => assert.fail(`${what} was accepted`), (error) => error);
}

describe('configuration keys with wrong types', () => {
  it('refuses each wrong type for every key given in code, naming the key, without throwing', () => {
    for (const key of SETTING_KEYS) {
      for (const [type, value] of WRONG_TYPES) {
        if (ACCEPTED[key]?.includes(type) === true) continue;
        const what = `${key} = ${type}`;
        let outcome;
        try {
          outcome = resolveOptions({ [key]: value });
        } catch (error) {
          assert.fail(`${what} threw: ${String(error)}`);
        }
        const error = configError(outcome, what);
        assert.ok(['InvalidValue', 'UnsupportedStorage'].includes(error.kind), `${what}: ${error.kind}`);
        assert.match(error.message, new RegExp(`^${key}\\b|${key}`), `${what}: the message names the key: ${error.message}`);
      }
    }
  });

  it('refuses wrong types from a settings file and from environment variables, naming the key and where it came from', () => {
    const directory = mkdtempSync(join(tmpdir(), 'hostile-config-'));
    try {
      const jsonWrong: readonly unknown[] = [{ nested: 1 }, ['x', 1], 1.5, -3, true, false];
      for (const key of SETTING_KEYS) {
        for (const value of jsonWrong) {
          if (key === 'PrepareSchemaIfNecessary' && typeof value === 'boolean') continue;
          if (key === 'WorkerCount' && value === true) continue;
          writeFileSync(join(directory, 'appsettings.json'), JSON.stringify({ MediatorJobs: { [key]: value } }));
          const outcome = loadConfiguration({ basePath: directory, env: {} });
          if (outcome.isOk()) assert.fail(`${key} = ${JSON.stringify(value)} in a file was accepted`);
          assert.match(outcome.error.message, new RegExp(key), `${key} = ${JSON.stringify(value)}: ${outcome.error.message}`);
        }
      }
      rmSync(join(directory, 'appsettings.json'));
      const envWrong = ['not a value', '-5', '1e400', '\u0001', '{"a":1}', ' '.repeat(10_000) + 'x'];
      for (const key of SETTING_KEYS) {
        if (['StorageConnectionString', 'EmbeddedDataDirectory', 'ServerName'].includes(key)) continue; // free text
        for (const value of envWrong) {
          if (key === 'Queues' && /^\s*[\w.:-]+$/.test(value)) continue; // a valid queue name, once trimmed
          const outcome = loadConfiguration({ basePath: directory, env: { [`MediatorJobs__${key}`]: value } });
          if (outcome.isOk()) assert.fail(`MediatorJobs__${key}=${JSON.stringify(value.slice(0, 20))} was accepted`);
          assert.match(outcome.error.message, new RegExp(key), `${key}: ${outcome.error.message}`);
        }
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

type Call = () => ResultAsync<unknown, Described>;

/** A notification nobody handles. */
class Heard extends Notification {}

for (const kind of STORAGE_KINDS) {
  describe(`per-call options with wrong types (${kind})`, () => {
    it('refuses them with InvalidOptions, changing nothing', async () => {
      const e = await hostileEngine(kind);
      try {
        const parent = (await e.engine.client.enqueue(new Carry('parent')))._unsafeUnwrap();
        const { client, recurring } = e.engine;
        const cases: [string, Call][] = [
          ['schedule delay NaN', () => client.schedule(new Carry(1), Number.NaN)],
          ['schedule delay -1', () => client.schedule(new Carry(1), -1)],
          ['schedule delay Infinity', () => client.schedule(new Carry(1), Infinity)],
          ['schedule at "tomorrow"', () => client.schedule(new Carry(1), 'tomorrow' as never)],
          ['schedule at an invalid Date', () => client.schedule(new Carry(1), new Date('x'))],
          ['schedule at {}', () => client.schedule(new Carry(1), {} as never)],
          ['schedule delay 1e15 ms (year 33,000)', () => client.schedule(new Carry(1), 1e15)],
          ['enqueue runAt in the year 10000', () => e.mediator.enqueue(new Carry(1), { runAt: new Date(Date.UTC(10_000, 0, 1)) })],
          ['enqueue delay "5"', () => e.mediator.enqueue(new Carry(1), { delay: '5' as never })],
          ['enqueue delay and runAt', () => e.mediator.enqueue(new Carry(1), { delay: 5, runAt: new Date() })],
          ['enqueue runAt 5', () => e.mediator.enqueue(new Carry(1), { runAt: 5 as never })],
          ['enqueue on without continueFrom', () => e.mediator.enqueue(new Carry(1), { on: 'finished' })],
          ['continueWith on "sometimes"', () => client.continueWith(parent, new Carry(1), { on: 'sometimes' as never })],
          ['enqueueAwait timeout NaN', () => e.mediator.enqueueAwait(new Carry(1), { timeout: Number.NaN })],
          ['enqueueAwait timeout -1', () => e.mediator.enqueueAwait(new Carry(1), { timeout: -1 })],
          ['enqueueAwait signal that is not an AbortSignal', () => e.mediator.enqueueAwait(new Carry(1), { signal: {} as never, timeout: 1000 })],
          ['waitFor timeoutMs "soon"', () => e.watcher.waitFor(parent, { timeoutMs: 'soon' as never })],
          ['addOrUpdate misfire "often"', () => recurring.addOrUpdate('r', new Carry(1), '* * * * *', { misfire: 'often' as never })],
          ['addOrUpdate misfire without prototype', () => recurring.addOrUpdate('r', new Carry(1), '* * * * *', { misfire: Object.create(null) as never })],
          ['addOrUpdate skipIfRunning "yes"', () => recurring.addOrUpdate('r', new Carry(1), '* * * * *', { skipIfRunning: 'yes' as never })],
          ['monitoring.jobs state "Nope"', () => e.engine.monitoring.jobs('Nope' as never)],
          ['monitoring.jobs pageSize -5', () => e.engine.monitoring.jobs('Enqueued', 1, -5)],
          ['monitoring.jobs pageSize NaN', () => e.engine.monitoring.jobs('Enqueued', 1, Number.NaN)],
          ['monitoring.jobs page "x"', () => e.engine.monitoring.jobs('Enqueued', 'x' as never)],
          ['monitoring.history hours -1', () => e.engine.monitoring.history(-1)],
          ['monitoring.history days 1e9', () => e.engine.monitoring.history(24, 1e9)],
          ['a job that is not a job', () => client.enqueue({ not: 'a job' } as never)],
          ['a job that is null', () => client.enqueue(null as never)],
          ['a batch that is not a list', () => client.enqueueBatch('jobs' as never)],
        ];
        await assertUnchanged(e.t, 'wrong option types', async () => {
          for (const [what, call] of cases) {
            const error = await refused(what, call);
            assert.equal(error.kind, 'InvalidOptions', `${what}: ${error.kind}: ${error.message}`);
          }
        });
      } finally {
        await e.dispose();
      }
    });

    it('takes null options as none, as JavaScript callers pass them, and refuses a search that is not one', async () => {
      const e = await hostileEngine(kind);
      try {
        await e.startServer();
        const { client, recurring } = e.engine;
        const none = null as never;
        const answered = async <T>(what: string, call: () => ResultAsync<T, { kind: string }>): Promise<T> => {
          let outcome;
          try {
            outcome = await call();
          } catch (error) {
            assert.fail(`${what} threw instead of returning a Result: ${String(error)}`);
          }
          return outcome.match((value) => value, (error) => assert.fail(`${what}: ${JSON.stringify(error)}`));
        };
        const parent = await answered('enqueue', () => client.enqueue(new Carry('parent'), none));
        await answered('schedule', () => client.schedule(new Carry(1), 60_000, none));
        await answered('continueWith', () => client.continueWith(parent, new Carry(2), none));
        await answered('enqueueBatch', () => client.enqueueBatch([new Carry(3)], none));
        await answered('addOrUpdate', () => recurring.addOrUpdate('null-options', new Carry(4), '0 3 * * *', none));
        await answered('mediator.enqueue', () => e.mediator.enqueue(new Carry(5), none));
        assert.equal(await answered('mediator.send', () => e.mediator.send(new Carry(6), none)), 6);
        assert.equal(await answered('mediator.enqueueAwait', () => e.mediator.enqueueAwait(new Carry(7), none)), 7);
        assert.equal(await answered('waitFor', () => e.watcher.waitFor(parent, none)), 'Succeeded');
        await answered('dispatcher.dispatch', () => e.dispatcher.dispatch(new Carry(8), none));
        await answered('mediator.publish', () => e.mediator.publish(new Heard(), none));
        assert.ok(createDashboard(e.engine, none).isOk(), 'createDashboard with null options');
        const noStorage = await openStorage(undefined as never);
        assert.equal(noStorage._unsafeUnwrapErr().kind, 'InvalidInput', 'openStorage without options');

        for (const [what, search] of [['a search term that is a number', { term: 5, offset: 0, limit: 10 }], ['a search that is null', null]] as const) {
          const error = await answered(what, () => e.t.storage.searchJobs(search as never).map(() => assert.fail(`${what} was accepted`)).orElse((refusal) => okAsync(refusal)));
          assert.equal(error.kind, 'InvalidInput', `${what}: ${JSON.stringify(error)}`);
        }
      } finally {
        await e.dispose();
      }
    });
  });
}
