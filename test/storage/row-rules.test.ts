/** The test-time check of the jobs row's visibility rule (test/support/row-rules.ts) catches a row that breaks it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRowRules } from '../support/row-rules.js';
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
  });
}
