/** Guarded state transitions: expected states, leases, batches, history, results, expiry, requeue and release. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StorageKind } from '../../support/test-storage.js';
import { createEach, fetchOk, newJob, stateOf, succeed, untilClockPasses, withStorage } from './support.js';

export function stateChangeContract(kind: StorageKind): void {
  describe(`state changes (${kind})`, () => {
    it('applies only from an expected state, leaving the job untouched otherwise', () =>
      withStorage(kind, async ({ storage }) => {
        const id = (await storage.createJob(newJob()))._unsafeUnwrap();
        const before = (await storage.jobDetails(id))._unsafeUnwrap()!;
        assert.equal((await storage.changeState({ jobId: id, from: ['Scheduled', 'Failed'], to: { name: 'Deleted' } }))._unsafeUnwrap(), false);
        const after = (await storage.jobDetails(id))._unsafeUnwrap()!;
        assert.deepEqual(after, before, 'a refused change writes nothing, not even history');

        assert.equal((await storage.changeState({ jobId: id, from: ['Scheduled', 'Enqueued'], to: { name: 'Deleted' }, reason: 'by hand' }))._unsafeUnwrap(), true);
        assert.equal(await stateOf(storage, id), 'Deleted');
        assert.equal((await storage.changeState({ jobId: '987654321', from: ['Enqueued'], to: { name: 'Deleted' } }))._unsafeUnwrap(), false, 'an unknown job is simply not changed');
      }));

    it('guards by lease token: only the current holder of a Processing job may move it', () =>
      withStorage(kind, async ({ storage }) => {
        const [id, other] = await createEach(storage, 2);
        const [held] = await fetchOk(storage, { limit: 1 });
        assert.ok(held !== undefined);
        assert.equal(held.id, id);
        const stale = { jobId: id!, token: held.lease.token + 1 };
        assert.equal((await storage.changeState({ jobId: id!, from: ['Processing'], lease: stale, to: { name: 'Failed' } }))._unsafeUnwrap(), false);
        assert.equal(await stateOf(storage, id!), 'Processing');
        assert.equal((await storage.changeState({ jobId: other!, from: ['Enqueued'], lease: { jobId: other!, token: 0 }, to: { name: 'Deleted' } }))._unsafeUnwrap(), false, 'a lease on a job that is not Processing applies nothing');
        assert.equal(await stateOf(storage, other!), 'Enqueued');
        assert.equal((await storage.changeState({ jobId: id!, from: ['Processing'], lease: held.lease, to: { name: 'Failed' } }))._unsafeUnwrap(), true);
      }));

    it('answers a mixed batch per change, in order, in one call', () =>
      withStorage(kind, async ({ storage }) => {
        const [a, b, c, d] = await createEach(storage, 4);
        const fetched = await fetchOk(storage, { limit: 2 });
        assert.deepEqual(fetched.map((j) => j.id), [a, b]);
        const applied = (await storage.changeStates([
          { jobId: a!, from: ['Processing'], lease: fetched[0]!.lease, to: { name: 'Succeeded', result: '1' } },
          { jobId: b!, from: ['Processing'], lease: { jobId: b!, token: 99 }, to: { name: 'Succeeded' } },
          { jobId: c!, from: ['Processing'], to: { name: 'Failed' } },
          { jobId: d!, from: ['Enqueued'], to: { name: 'Deleted' } },
          { jobId: '424242', from: ['Enqueued'], to: { name: 'Deleted' } },
        ]))._unsafeUnwrap();
        assert.deepEqual(applied, [true, false, false, true, false]);
        assert.deepEqual(await Promise.all([a!, b!, c!, d!].map((id) => stateOf(storage, id))), ['Succeeded', 'Processing', 'Enqueued', 'Deleted']);
        assert.deepEqual((await storage.changeStates([]))._unsafeUnwrap(), []);
      }));

    it('refuses a malformed change before running any of the batch', () =>
      withStorage(kind, async ({ storage }) => {
        const id = (await storage.createJob(newJob()))._unsafeUnwrap();
        for (const bad of [
          { jobId: id, from: [], to: { name: 'Deleted' } },
          { jobId: 'abc', from: ['Enqueued'], to: { name: 'Deleted' } },
          { jobId: id, from: ['Enqueued'], to: { name: 'Enqueued', queue: 'no spaces' } },
          { jobId: id, from: ['Enqueued'], to: { name: 'Deleted' }, data: { n: 1n } },
          { jobId: id, from: ['Enqueued'], to: { name: 'Scheduled', runAt: new Date(Number.NaN) } },
          { jobId: id, from: ['Enqueued'], to: { name: 'Scheduled', runAt: '2030-01-01' } },
        ] as const) {
          const error = (await storage.changeStates([{ jobId: id, from: ['Enqueued'], to: { name: 'Failed' } }, bad as never]))._unsafeUnwrapErr();
          assert.equal(error.kind, 'InvalidInput', JSON.stringify(bad, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));
        }
        assert.equal(await stateOf(storage, id), 'Enqueued');
      }));

    it('records history newest first, with reasons and data', () =>
      withStorage(kind, async ({ storage }) => {
        const id = (await storage.createJob(newJob({ reason: 'created by test' })))._unsafeUnwrap();
        const [held] = await fetchOk(storage, { owner: 'server-a' });
        assert.equal((await storage.changeState({ jobId: id, from: ['Processing'], lease: held!.lease, to: { name: 'Failed' }, reason: 'It threw', data: { errorType: 'TypeError', message: 'boom', attempt: 1, transient: false, nested: { stack: ['a', 'b'] } } }))._unsafeUnwrap(), true);
        assert.equal((await storage.changeState({ jobId: id, from: ['Failed'], to: { name: 'Scheduled', runAt: new Date(Date.now() + 60_000) }, reason: 'Retry in 1 minute' }))._unsafeUnwrap(), true);
        const history = (await storage.jobDetails(id))._unsafeUnwrap()!.history;
        assert.deepEqual(history.map((h) => [h.name, h.reason]), [
          ['Scheduled', 'Retry in 1 minute'],
          ['Failed', 'It threw'],
          ['Processing', 'Fetched by a worker'],
          ['Enqueued', 'created by test'],
        ]);
        assert.deepEqual(history[1]?.data, { errorType: 'TypeError', message: 'boom', attempt: 1, transient: false, nested: { stack: ['a', 'b'] } });
        assert.equal(history[0]?.data, undefined);
        for (let i = 1; i < history.length; i++) assert.ok(history[i - 1]!.createdAt >= history[i]!.createdAt, 'newest first');
      }));

    it('stores the result of a Succeeded job and sets its expiry; a Failed job keeps no expiry', () =>
      withStorage(kind, async ({ storage }) => {
        const [ok, failed, noResult] = await createEach(storage, 3);
        const jobs = await fetchOk(storage);
        const started = Date.now();
        assert.equal(await succeed(storage, jobs[0]!, '{"answer":42}'), true);
        assert.equal(await succeed(storage, jobs[2]!), true);
        assert.equal((await storage.changeState({ jobId: failed!, from: ['Processing'], lease: jobs[1]!.lease, to: { name: 'Failed' } }))._unsafeUnwrap(), true);

        const okDetails = (await storage.jobDetails(ok!))._unsafeUnwrap()!;
        assert.equal(okDetails.resultText, '{"answer":42}');
        assert.equal((await storage.getResult(ok!))._unsafeUnwrap(), '{"answer":42}');
        assert.ok(okDetails.expireAt !== undefined, 'a Succeeded job expires');
        const day = 24 * 60 * 60 * 1000;
        assert.ok(Math.abs(okDetails.expireAt.getTime() - (started + day)) < 60_000, `expires a day later by default: ${okDetails.expireAt.toISOString()}`);
        assert.equal(okDetails.leaseOwner, undefined, 'the lease is gone');

        assert.equal((await storage.getResult(noResult!))._unsafeUnwrap(), undefined, 'no result was given');
        const failedDetails = (await storage.jobDetails(failed!))._unsafeUnwrap()!;
        assert.equal(failedDetails.expireAt, undefined, 'Failed jobs never expire');
        assert.equal(failedDetails.resultText, undefined);
        assert.equal((await storage.getResult('777777'))._unsafeUnwrap(), undefined);
        assert.equal(await stateOf(storage, '777777'), undefined);
      }));

    it('requeues a finished job to the tail of a queue, fetchable again, clearing a stale result and expiry', () =>
      withStorage(kind, async ({ storage }) => {
        const [succeeded, failed] = await createEach(storage, 2);
        const [s, f] = await fetchOk(storage);
        await succeed(storage, s!, '"old result"');
        assert.equal((await storage.changeState({ jobId: failed!, from: ['Processing'], lease: f!.lease, to: { name: 'Failed' } }))._unsafeUnwrap(), true);
        const waiting = await createEach(storage, 1);
        await untilClockPasses(storage, waiting[0]!);

        const applied = (await storage.changeStates([
          { jobId: failed!, from: ['Failed', 'Succeeded', 'Deleted'], to: { name: 'Enqueued' }, reason: 'Requeued from the dashboard' },
          { jobId: succeeded!, from: ['Failed', 'Succeeded', 'Deleted'], to: { name: 'Enqueued', queue: 'critical' }, reason: 'Requeued' },
        ]))._unsafeUnwrap();
        assert.deepEqual(applied, [true, true]);
        const details = (await storage.jobDetails(succeeded!))._unsafeUnwrap()!;
        assert.equal(details.resultText, undefined, 'the stale result is gone');
        assert.equal((await storage.getResult(succeeded!))._unsafeUnwrap(), undefined);
        assert.equal(details.expireAt, undefined, 'a requeued job no longer expires');
        assert.equal(details.queue, 'critical', 'requeued into another queue');

        assert.deepEqual((await fetchOk(storage)).map((j) => j.id), [waiting[0], failed], 'a requeued job joins the tail');
        const [again] = await fetchOk(storage, { queues: ['critical'] });
        assert.ok(again !== undefined);
        assert.equal(again.id, succeeded);
        assert.equal(again.fetchCount, 2);
      }));

    it('releases held jobs back to the head of their queue', () =>
      withStorage(kind, async ({ storage }) => {
        const [first, second] = await createEach(storage, 2);
        const [held] = await fetchOk(storage, { limit: 1 });
        assert.ok(held !== undefined);
        assert.equal(held.id, first);
        const younger = await createEach(storage, 2);

        assert.deepEqual((await storage.releaseJobs([held.lease, { jobId: second!, token: 1 }], 'Server stopping'))._unsafeUnwrap(), [first], 'only the held job is released');
        assert.equal(await stateOf(storage, first!), 'Enqueued');
        const history = (await storage.jobDetails(first!))._unsafeUnwrap()!.history;
        assert.deepEqual([history[0]?.name, history[0]?.reason], ['Enqueued', 'Server stopping']);

        assert.deepEqual((await fetchOk(storage)).map((j) => j.id), [first, second, ...younger], 'the released job comes back before younger jobs');
        assert.deepEqual((await storage.releaseJobs([], 'nothing'))._unsafeUnwrap(), []);
      }));
  });
}
