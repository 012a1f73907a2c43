/**
 * Options a call does not take. The types forbid them, but a JavaScript
 * caller's typo (`{ queu: 'critical' }`) used to be dropped without a word:
 * the job went to the default queue. Every public call that takes an options
 * object now refuses it with InvalidOptions, naming the unknown option and
 * the ones the call takes, and stores nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResultAsync } from 'neverthrow';
import { assertError, assertUnchanged, Carry, failOnUnhandledRejections, hostileEngine, refused, Sink, type Described } from './support.js';

failOnUnhandledRejections();

type Call = () => ResultAsync<unknown, Described>;

/** A misspelt queue, where each call takes its options. */
const TYPO = { queu: 'critical' } as never;

describe('options a call does not take (Embedded)', () => {
  it('refuses an unknown option on every call that takes options, naming it and the accepted ones, storing nothing', async () => {
    const e = await hostileEngine('Embedded');
    try {
      const { client, recurring } = e.engine;
      const { mediator, dispatcher } = e;
      const parent = (await client.enqueue(new Carry('parent')))._unsafeUnwrap();
      const cases: [string, string, Call][] = [
        ['client.enqueue', 'enqueue', () => client.enqueue(new Carry(1), TYPO)],
        ['client.schedule', 'schedule', () => client.schedule(new Carry(1), 60_000, TYPO)],
        ['client.continueWith', 'continueWith', () => client.continueWith(parent, new Carry(1), TYPO)],
        ['an enqueueBatch entry', 'An enqueueBatch entry', () => client.enqueueBatch([new Carry(1), { job: new Carry(2), options: TYPO }])],
        ['recurring.addOrUpdate', 'addOrUpdate', () => recurring.addOrUpdate('typo', new Carry(1), '0 3 * * *', TYPO)],
        ['mediator.enqueue', 'enqueue', () => mediator.enqueue(new Carry(1), TYPO)],
        ['mediator.enqueue with continueFrom', 'enqueue', () => mediator.enqueue(new Carry(1), { continueFrom: parent, queu: 'critical' } as never)],
        ['mediator.enqueueAwait', 'enqueueAwait', () => mediator.enqueueAwait(new Carry(1), TYPO)],
        ['dispatcher.dispatch (request)', 'dispatch', () => dispatcher.dispatch(new Carry(1), TYPO)],
        ['dispatcher.dispatch (method call)', 'dispatch', () => dispatcher.dispatch(Sink, (s) => s.take(1), TYPO)],
        ['dispatcher.dispatchAwait', 'dispatchAwait', () => dispatcher.dispatchAwait(new Carry(1), TYPO)],
        ['dispatcher.continueWith', 'continueWith', () => dispatcher.continueWith(parent, Sink, (s) => s.take(1), TYPO)],
        ['dispatcher.addOrUpdateRecurring', 'addOrUpdate', () => dispatcher.addOrUpdateRecurring('typo', new Carry(1), '0 3 * * *', TYPO)],
      ];
      await assertUnchanged(e.t, 'unknown options', async () => {
        for (const [what, call, run] of cases) {
          const error = await refused(what, run);
          assertError(error, 'InvalidOptions', new RegExp(`^${call} does not take option "queu": it takes [^.]*\\bqueue\\b`), what);
        }
      });
    } finally {
      await e.dispose();
    }
  });

  it('names every unknown option, refuses options that are not an object, and keeps enqueueAwait\'s word on transaction', async () => {
    const e = await hostileEngine('Embedded');
    try {
      const { client } = e.engine;
      await assertUnchanged(e.t, 'unknown options', async () => {
        const several = await refused('two unknown options', () => client.enqueue(new Carry(1), { queue: 'critical', priority: 1, delay: 5 } as never));
        assertError(several, 'InvalidOptions', /^enqueue does not take options "priority", "delay": it takes queue, parameters, transaction, uniqueKey, recurringId\./, 'two unknown options');

        const aString = await refused('options that are a string', () => client.enqueue(new Carry(1), 'critical' as never));
        assertError(aString, 'InvalidOptions', /^enqueue takes its options as an object \(\{ queue, .* \}\), not a string/, 'options that are a string');

        // Destructured and tested with `in` before: a string there threw a TypeError out of the call.
        const awaitString = await refused('enqueueAwait options that are a string', () => e.mediator.enqueueAwait(new Carry(1), 'critical' as never));
        assertError(awaitString, 'InvalidOptions', /^enqueueAwait takes its options as an object/, 'enqueueAwait options that are a string');

        const transaction = await refused('enqueueAwait with a transaction', () => e.mediator.enqueueAwait(new Carry(1), { transaction: {} } as never));
        assertError(transaction, 'InvalidOptions', /^enqueueAwait takes no transaction: the job would not exist for anyone until the caller commits/, 'a transaction');

        const unreadable = new Proxy({}, { ownKeys: () => { throw new Error('no keys for you'); } });
        const proxy = await refused('options whose keys cannot be read', () => client.enqueue(new Carry(1), unreadable as never));
        assertError(proxy, 'InvalidOptions', /^enqueue's options could not be read: .*no keys for you/, 'options whose keys cannot be read');
      });
    } finally {
      await e.dispose();
    }
  });

  it('takes unknown options set to undefined or null, which say nothing, and does not count inherited properties', async () => {
    const e = await hostileEngine('Embedded');
    try {
      const { client } = e.engine;
      const given = await client.enqueue(new Carry(1), { queue: 'critical', queu: undefined, priority: null } as never);
      const id = given._unsafeUnwrap();
      assert.equal((await e.t.storage.jobDetails(id))._unsafeUnwrap()?.queue, 'critical', 'the queue given is taken');

      class Options {
        readonly queue = 'critical';
        describe(): string {
          return 'a class instance: its method lives on the prototype';
        }
      }
      assert.ok((await client.schedule(new Carry(2), 60_000, new Options())).isOk(), 'a class instance with only known own fields');
      const inherited = Object.assign(Object.create({ priority: 1 }) as object, { queue: 'critical' });
      assert.ok((await client.enqueue(new Carry(3), inherited)).isOk(), 'an enumerable property on the prototype (as a polluted Object.prototype would have)');
      assert.ok((await e.mediator.enqueue(new Carry(3), Object.assign(Object.create(null) as object, { queue: 'critical' }))).isOk(), 'an object without a prototype');
    } finally {
      await e.dispose();
    }
  });

  it('refuses enqueueAwait\'s `timeout` and other options waitFor does not take, instead of waiting for ever', async () => {
    const e = await hostileEngine('Embedded');
    try {
      // No server runs: the job never finishes, so an option dropped without a word would wait for ever.
      const id = (await e.engine.client.enqueue(new Carry(1)))._unsafeUnwrap();
      const cases: [string, string, () => ResultAsync<unknown, Described>][] = [
        ['waitFor with timeout', 'waitFor', () => e.watcher.waitFor(id, { timeout: 50 } as never)],
        ['waitForOutcome with timeout', 'waitForOutcome', () => e.watcher.waitForOutcome(id, { timeout: 50 } as never)],
      ];
      for (const [what, call, run] of cases) {
        const error = await refused(what, run, 5_000);
        assertError(error, 'InvalidOptions', new RegExp(`^${call} does not take option "timeout": it takes timeoutMs, signal\\. Nothing is awaited\\.$`), what);
      }
      const number = await refused('waitFor with a number for options', () => e.watcher.waitFor(id, 50 as never), 5_000);
      assertError(number, 'InvalidOptions', /^waitFor takes its options as an object \(\{ timeoutMs, signal \}\), not a number/, 'a number for options');
      assert.equal(e.watcher.awaitedJobs, 0, 'nothing is awaited');
      const given = await e.watcher.waitFor(id, { timeoutMs: 50, signal: undefined, timeout: null } as never);
      assert.equal(given._unsafeUnwrapErr().kind, 'Timeout', 'the options it takes still apply; one set to null says nothing');
    } finally {
      await e.dispose();
    }
  });

  it('refuses options whose getter throws at every call that takes options, instead of throwing, storing nothing', async () => {
    const e = await hostileEngine('Embedded');
    try {
      const { client, recurring } = e.engine;
      const { mediator, dispatcher, watcher } = e;
      const parent = (await client.enqueue(new Carry('parent')))._unsafeUnwrap();
      // A known option's getter: it was read after the check, outside any guard.
      const exploding = (name: string) => Object.defineProperty({}, name, { enumerable: true, get: () => { throw new Error(`${name} getter exploded`); } }) as never;
      const cases: [string, string, string, () => ResultAsync<unknown, Described>][] = [
        ['client.enqueue', 'enqueue', 'queue', () => client.enqueue(new Carry(1), exploding('queue'))],
        ['client.schedule', 'schedule', 'parameters', () => client.schedule(new Carry(1), 60_000, exploding('parameters'))],
        ['client.continueWith', 'continueWith', 'on', () => client.continueWith(parent, new Carry(1), exploding('on'))],
        ['an enqueueBatch entry', 'An enqueueBatch entry', 'queue', () => client.enqueueBatch([new Carry(1), { job: new Carry(2), options: exploding('queue') }])],
        ['recurring.addOrUpdate', 'addOrUpdate', 'timeZone', () => recurring.addOrUpdate('getter', new Carry(1), '0 3 * * *', exploding('timeZone'))],
        ['mediator.enqueue', 'enqueue', 'delay', () => mediator.enqueue(new Carry(1), exploding('delay'))],
        ['mediator.enqueueAwait', 'enqueueAwait', 'timeout', () => mediator.enqueueAwait(new Carry(1), exploding('timeout'))],
        ['dispatcher.dispatch', 'dispatch', 'queue', () => dispatcher.dispatch(new Carry(1), exploding('queue'))],
        ['dispatcher.dispatchAwait', 'dispatchAwait', 'signal', () => dispatcher.dispatchAwait(new Carry(1), exploding('signal'))],
        ['watcher.waitFor', 'waitFor', 'timeoutMs', () => watcher.waitFor(parent, exploding('timeoutMs'))],
      ];
      await assertUnchanged(e.t, 'options whose getter throws', async () => {
        for (const [what, call, name, run] of cases) {
          let answer: ResultAsync<unknown, Described> | undefined;
          assert.doesNotThrow(() => void (answer = run()), `${what} throws`);
          const error = await refused(what, () => answer!, 5_000);
          assertError(error, 'InvalidOptions', new RegExp(`^${call}'s options could not be read: .*${name} getter exploded`), what);
        }
      });
    } finally {
      await e.dispose();
    }
  });
});
