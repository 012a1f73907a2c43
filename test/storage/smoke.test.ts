import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openTestStorage, STORAGE_KINDS } from '../support/test-storage.js';

for (const kind of STORAGE_KINDS) {
  describe(`storage smoke (${kind})`, () => {
    it('creates, fetches and completes a job', async () => {
      const t = await openTestStorage(kind);
      const id = (await t.storage.createJob({ queue: 'default', state: { name: 'Enqueued' }, typeName: 'Ping', payload: { n: 1 }, parameters: { p: 'x' } }))._unsafeUnwrap();
      const ids = (await t.storage.createJobs([
        { queue: 'default', state: { name: 'Enqueued' }, typeName: 'Ping', payload: { n: 2 } },
        { queue: 'default', state: { name: 'Scheduled', runAt: new Date(Date.now() + 60_000) }, typeName: 'Ping', payload: { n: 3 } },
      ]))._unsafeUnwrap();
      assert.equal(ids.length, 2);
      const fetched = (await t.storage.fetchJobs({ queues: ['default'], limit: 10, owner: 's1', leaseMs: 30_000 }))._unsafeUnwrap();
      assert.equal(fetched.length, 2);
      const first = fetched[0]!._unsafeUnwrap();
      assert.equal(first.id, id);
      assert.deepEqual(first.payload, { n: 1 });
      const applied = (await t.storage.changeStates(fetched.map((f) => ({ jobId: f._unsafeUnwrap().id, from: ['Processing'], lease: f._unsafeUnwrap().lease, to: { name: 'Succeeded', result: '42' }, data: { durationMs: 1 } }))))._unsafeUnwrap();
      assert.deepEqual(applied, [true, true]);
      assert.equal((await t.storage.getResult(id))._unsafeUnwrap(), '42');
      const details = (await t.storage.jobDetails(id))._unsafeUnwrap()!;
      assert.deepEqual(details.history.map((h) => h.name), ['Succeeded', 'Processing', 'Enqueued']);
      assert.deepEqual(details.parameters, { p: '"x"' });
      const counts = (await t.storage.stateCounts())._unsafeUnwrap();
      assert.equal(counts.Succeeded, 2);
      assert.equal(counts.Scheduled, 1);
      await t.dispose();
    });
  });
}
