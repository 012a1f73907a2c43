/**
 * enqueueBatch's second argument takes only `transaction`. A JavaScript
 * caller's `queue` or `parameters` there (meant for every job) used to be
 * dropped without a word: the jobs went to the default queue. Refused now,
 * storing nothing, with a message saying where per-job options go; and a
 * transaction given in an entry (where it would be as silently ignored).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertError, assertUnchanged, Carry, failOnUnhandledRejections, hostileEngine, refused } from './support.js';

failOnUnhandledRejections();

/** What the refusal of a batch-wide option must say: which option, what the second argument takes, where per-job options go. */
const PER_JOB_ADVICE = /its second argument takes only transaction; per-job options \(queue, parameters\.\.\.\) go in \{ job, options \} entries/;

describe('enqueueBatch options (Embedded)', () => {
  it('refuses batch-wide options other than transaction, and a transaction in an entry, storing nothing', async () => {
    const e = await hostileEngine('Embedded');
    try {
      const { client } = e.engine;
      await assertUnchanged(e.t, 'refused batch options', async () => {
        const queue = await refused('a batch-wide queue', () => client.enqueueBatch([new Carry(1), new Carry(2)], { queue: 'critical' } as never));
        assertError(queue, 'InvalidOptions', /^enqueueBatch does not take "queue" for the whole batch/, 'a batch-wide queue');
        assert.match(queue.message, PER_JOB_ADVICE, 'the message says where per-job options go');

        const several = await refused('batch-wide parameters and a typo', () => client.enqueueBatch([new Carry(1)], { parameters: { tenant: 'acme' }, transacton: {} } as never));
        assertError(several, 'InvalidOptions', /^enqueueBatch does not take "parameters", "transacton" for the whole batch/, 'every unknown option is named');

        const notAnObject = await refused('options that are a string', () => client.enqueueBatch([new Carry(1)], 'critical' as never));
        assertError(notAnObject, 'InvalidOptions', /^enqueueBatch takes \{ transaction \} as its second argument, not a string/, 'options that are not an object');

        const entryTransaction = await refused('a transaction in an entry', () => client.enqueueBatch([{ job: new Carry(1), options: { transaction: {} } as never }]));
        assertError(entryTransaction, 'InvalidOptions', /An enqueueBatch entry does not take transaction: .*enqueueBatch\(entries, \{ transaction \}\)/, 'a transaction in an entry');
      });

      const ids = (await client.enqueueBatch([new Carry(1), { job: new Carry(2), options: { queue: 'critical' } }], { transaction: undefined, queue: undefined } as never))._unsafeUnwrap();
      assert.equal(ids.length, 2, 'options set to undefined say nothing and are accepted');
      const queues = await Promise.all(ids.map(async (id) => (await e.t.storage.jobDetails(id))._unsafeUnwrap()?.queue));
      assert.deepEqual(queues, ['default', 'critical'], 'an entry\'s queue is still taken');
    } finally {
      await e.dispose();
    }
  });
});
