/** The read side: counts per state, newest-first pages, job details, queues. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StorageKind } from '../../support/test-storage.js';
import { countsWith, createEach, fetchOk, newJob, withStorage } from './support.js';

export function monitoringContract(kind: StorageKind): void {
  describe(`monitoring (${kind})`, () => {
    it('counts every state, zero for states without jobs', () =>
      withStorage(kind, async ({ storage }) => {
        assert.deepEqual((await storage.stateCounts())._unsafeUnwrap(), countsWith({}));
        await createEach(storage, 3);
        (await storage.createJob(newJob({ state: { name: 'Scheduled', runAt: new Date(Date.now() + 60_000) } })))._unsafeUnwrap();
        await fetchOk(storage, { limit: 1 });
        assert.deepEqual((await storage.stateCounts())._unsafeUnwrap(), countsWith({ Enqueued: 2, Scheduled: 1, Processing: 1 }));
      }));

    it('pages jobs in a state newest first, with the total, also past the end', () =>
      withStorage(kind, async ({ storage }) => {
        const ids = await createEach(storage, 5, { displayName: 'listed' });
        (await storage.createJob(newJob({ state: { name: 'Scheduled', runAt: new Date(Date.now() + 60_000) } })))._unsafeUnwrap();
        const newestFirst = [...ids].reverse();

        const first = (await storage.jobsInState('Enqueued', { offset: 0, limit: 2 }))._unsafeUnwrap();
        assert.deepEqual(first.items.map((j) => j.id), newestFirst.slice(0, 2));
        assert.equal(first.total, 5);
        const summary = first.items[0]!;
        assert.deepEqual([summary.state, summary.queue, summary.typeName, summary.displayName, summary.leaseOwner], ['Enqueued', 'default', 'Ping', 'listed', undefined]);
        assert.ok(summary.createdAt instanceof Date && summary.stateChangedAt instanceof Date);

        const last = (await storage.jobsInState('Enqueued', { offset: 4, limit: 2 }))._unsafeUnwrap();
        assert.deepEqual(last, { items: [last.items[0]], total: 5 });
        assert.equal(last.items[0]?.id, ids[0]);

        assert.deepEqual((await storage.jobsInState('Enqueued', { offset: 10, limit: 2 }))._unsafeUnwrap(), { items: [], total: 5 }, 'a page past the end still knows the total');
        assert.deepEqual((await storage.jobsInState('Failed', { offset: 0, limit: 10 }))._unsafeUnwrap(), { items: [], total: 0 });
        assert.equal((await storage.jobsInState('Scheduled', { offset: 0, limit: 10 }))._unsafeUnwrap().total, 1);
        assert.equal((await storage.jobsInState('Bogus' as never, { offset: 0, limit: 10 }))._unsafeUnwrapErr().kind, 'InvalidInput');
      }));

    it('returns undefined details for a job that does not exist', () =>
      withStorage(kind, async ({ storage }) => {
        assert.equal((await storage.jobDetails('1'))._unsafeUnwrap(), undefined);
        assert.equal((await storage.jobDetails('9223372036854775807'))._unsafeUnwrap(), undefined, 'the largest job id');
      }));

    it('counts enqueued and processing jobs per queue', () =>
      withStorage(kind, async ({ storage }) => {
        assert.deepEqual((await storage.queues())._unsafeUnwrap(), []);
        await createEach(storage, 3, { queue: 'default' });
        await createEach(storage, 2, { queue: 'critical' });
        (await storage.createJob(newJob({ queue: 'later', state: { name: 'Scheduled', runAt: new Date(Date.now() + 60_000) } })))._unsafeUnwrap();
        const [done] = await fetchOk(storage, { queues: ['critical'], limit: 1 });
        await fetchOk(storage, { queues: ['default'], limit: 2 });
        assert.equal((await storage.changeState({ jobId: done!.id, from: ['Processing'], lease: done!.lease, to: { name: 'Succeeded' } }))._unsafeUnwrap(), true);
        assert.deepEqual((await storage.queues())._unsafeUnwrap(), [
          { name: 'critical', enqueued: 1, processing: 0 },
          { name: 'default', enqueued: 1, processing: 2 },
        ]);
      }));
  });
}
