/** The test-time check of the jobs row's visibility rule (test/support/row-rules.ts) catches a row that breaks it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRowRules } from '../support/row-rules.js';
import { fetchOk } from './contract/support.js';
import { openTestStorage, STORAGE_KINDS } from '../support/test-storage.js';

for (const kind of STORAGE_KINDS) {
  describe(`the jobs row's visibility rule (${kind})`, () => {
    it('passes a schema whose jobs keep it, and names the jobs that break it', async () => {
      const t = await openTestStorage(kind);
      try {
        const schema = `"${t.options.schemaName!}"`;
        const id = (await t.storage.createJob({ queue: 'default', state: { name: 'Enqueued' }, typeName: 'Ping', payload: null }))._unsafeUnwrap();
        await assertRowRules(t, schema);
        // What a statement that forgot to clear visible_at would leave: a finished job the fetch still sees.
        await t.sql(`UPDATE ${schema}.jobs SET state = 'Succeeded' WHERE id = $1`, [id]);
        await assert.rejects(assertRowRules(t, schema), new RegExp(`"id":"${id}","state":"Succeeded"`));
        // And an Enqueued job the fetch cannot see, which would wait for good.
        await t.sql(`UPDATE ${schema}.jobs SET state = 'Enqueued', visible_at = NULL WHERE id = $1`, [id]);
        await assert.rejects(assertRowRules(t, schema), /queued but invisible/);
        await t.sql(`UPDATE ${schema}.jobs SET visible_at = now() WHERE id = $1`, [id]);
      } finally {
        await t.dispose();
      }
    });

    it('the fetch never claims a finished job left visible, and hides it so that it stops holding a place', async () => {
      const t = await openTestStorage(kind);
      try {
        const schema = `"${t.options.schemaName!}"`;
        const create = async () => (await t.storage.createJob({ queue: 'default', state: { name: 'Enqueued' }, typeName: 'Ping', payload: null }))._unsafeUnwrap();
        const [finished, waiting] = [await create(), await create()];
        // A faulty statement or a hand edit: Succeeded, yet visible to the fetch, ahead of the waiting job.
        await t.sql(`UPDATE ${schema}.jobs SET state = 'Succeeded', visible_at = now() - interval '1 minute' WHERE id = $1`, [finished]);
        // Limit 1: the broken row is the one candidate; it is passed over and hidden, not claimed.
        assert.deepEqual(await fetchOk(t.storage, { limit: 1 }), []);
        assert.deepEqual(await t.sql(`SELECT state::text AS state, visible_at FROM ${schema}.jobs WHERE id = $1`, [finished]), [{ state: 'Succeeded', visible_at: null }], 'still Succeeded, no longer visible');
        assert.deepEqual((await fetchOk(t.storage, { limit: 1 })).map((job) => job.id), [waiting], 'the job behind it is claimed next');
        assert.equal((await t.storage.jobDetails(finished))._unsafeUnwrap()?.history.filter((entry) => entry.name === 'Processing').length, 0, 'the finished job never ran again');
      } finally {
        await t.dispose();
      }
    });
  });
}
