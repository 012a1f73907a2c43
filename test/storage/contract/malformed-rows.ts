/** Rows edited by hand into something that does not decode are reported as values; everything else keeps flowing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StorageKind } from '../../support/test-storage.js';
import { createEach, newJob, stateOf, succeed, withStorage } from './support.js';

export function malformedRowContract(kind: StorageKind): void {
  describe(`malformed rows (${kind})`, () => {
    it('reports a corrupted payload as a MalformedJob in the fetch, while the other jobs flow and it can be failed', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const [before, corrupt, after] = await createEach(storage, 3, { typeName: 'SendInvoice' });
        await t.sql(`UPDATE ${storage.schema.quoted}.jobs SET payload = '{not json' WHERE id = $1`, [corrupt]);

        const outcomes = (await storage.fetchJobs({ queues: ['default'], limit: 10, owner: 'server-1', leaseMs: 30_000 }))._unsafeUnwrap();
        assert.equal(outcomes.length, 3, 'the bad row did not stop the batch');
        const malformed = outcomes[1]!._unsafeUnwrapErr();
        assert.equal(malformed.kind, 'MalformedJob');
        assert.equal(malformed.jobId, corrupt);
        assert.equal(malformed.typeName, 'SendInvoice');
        assert.match(malformed.message, /SendInvoice/);
        assert.match(malformed.message, new RegExp(`job ${corrupt!}\\b`));
        assert.deepEqual(malformed.lease, { jobId: corrupt, token: 1 });

        const good = [outcomes[0]!._unsafeUnwrap(), outcomes[2]!._unsafeUnwrap()];
        assert.deepEqual(good.map((j) => j.id), [before, after]);
        assert.deepEqual(good.map((j) => j.payload), [{ n: 0 }, { n: 2 }]);
        for (const job of good) assert.equal(await succeed(storage, job), true);

        assert.equal((await storage.changeState({ jobId: corrupt!, from: ['Processing'], lease: malformed.lease, to: { name: 'Failed' }, reason: malformed.message }))._unsafeUnwrap(), true);
        assert.equal(await stateOf(storage, corrupt!), 'Failed');
        const details = (await storage.jobDetails(corrupt!))._unsafeUnwrap()!;
        assert.equal(details.payloadText, '{not json', 'the dashboard can still show the raw payload');
        assert.equal(details.history[0]?.reason, malformed.message);

        const [later] = (await storage.createJobs([newJob({ payload: { n: 3 } })]))._unsafeUnwrap();
        const next = (await storage.fetchJobs({ queues: ['default'], limit: 10, owner: 'server-1', leaseMs: 30_000 }))._unsafeUnwrap();
        assert.deepEqual(next.map((o) => o._unsafeUnwrap().id), [later], 'later jobs keep flowing');
      }));

    it('hands back a parameter edited into non-JSON as its raw text', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const id = (await storage.createJob(newJob({ parameters: { good: { a: 1 }, bad: 1 } })))._unsafeUnwrap();
        await t.sql(`UPDATE ${storage.schema.quoted}.job_parameters SET value = 'oops {' WHERE job_id = $1 AND name = 'bad'`, [id]);
        assert.deepEqual((await storage.getParameters(id))._unsafeUnwrap(), { good: { a: 1 }, bad: 'oops {' });
      }));

    it('reports a recurring definition whose payload no longer parses in its error, without failing the list', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const base = { cron: '* * * * *', timeZone: 'UTC', queue: 'default', typeName: 'Tick', payload: { n: 1 }, misfire: 'relaxed', skipIfRunning: false, nextExecutionAt: undefined } as const;
        (await storage.upsertRecurring({ ...base, id: 'broken' }))._unsafeUnwrap();
        (await storage.upsertRecurring({ ...base, id: 'fine' }))._unsafeUnwrap();
        await t.sql(`UPDATE ${storage.schema.quoted}.recurring_jobs SET payload = '[1,' WHERE id = 'broken'`);
        const listed = (await storage.listRecurring())._unsafeUnwrap();
        assert.deepEqual(listed.map((r) => r.id), ['broken', 'fine']);
        assert.equal(listed[0]?.payload, null);
        assert.match(listed[0]?.error ?? '', /does not parse/);
        assert.deepEqual(listed[1]?.payload, { n: 1 });
        assert.equal(listed[1]?.error, undefined);
      }));
  });
}
