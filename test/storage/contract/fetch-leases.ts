/** The hot path: fetching under leases, exactly once under concurrency, in queue and FIFO order. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobId } from '../../../src/storage/job-types.js';
import type { StorageKind } from '../../support/test-storage.js';
import { countsWith, createEach, fetchOk, newJob, stateOf, succeed, withStorage } from './support.js';

export function fetchContract(kind: StorageKind): void {
  describe(`fetching and leases (${kind})`, () => {
    it('hands each of 1,000 jobs to exactly one of 8 concurrent fetchers', () =>
      withStorage(kind, async ({ storage }) => {
        const total = 1_000;
        const created = (await storage.createJobs(Array.from({ length: total }, (_, n) => newJob({ payload: { n } }))))._unsafeUnwrap();
        assert.equal(new Set(created).size, total);

        const fetcher = async (owner: string): Promise<JobId[]> => {
          const seen: JobId[] = [];
          for (;;) {
            const jobs = await fetchOk(storage, { limit: 10, owner });
            if (jobs.length === 0) return seen;
            for (const job of jobs) assert.equal(job.fetchCount, 1, `job ${job.id} fetched for the first time`);
            const applied = (await storage.changeStates(jobs.map((job) => ({ jobId: job.id, from: ['Processing'], lease: job.lease, to: { name: 'Succeeded' } }))))._unsafeUnwrap();
            assert.deepEqual(applied, jobs.map(() => true), `${owner} completed its own jobs`);
            seen.push(...jobs.map((job) => job.id));
          }
        };
        const perFetcher = await Promise.all(Array.from({ length: 8 }, (_, n) => fetcher(`server-${n}`)));

        const all = perFetcher.flat();
        assert.equal(all.length, total, 'as many fetches as jobs: no job was handed out twice');
        assert.equal(new Set(all).size, total, 'no duplicates');
        assert.deepEqual(new Set(all), new Set(created), 'every created job was seen');
        assert.deepEqual((await storage.stateCounts())._unsafeUnwrap(), countsWith({ Succeeded: total }));
      }));

    it('fetches a job again once its lease expired, and fences off the old lease', () =>
      withStorage(kind, async ({ storage }) => {
        const id = (await storage.createJob(newJob()))._unsafeUnwrap();
        const [first] = await fetchOk(storage, { leaseMs: 0, owner: 'slow-server' });
        assert.equal(first?.id, id);
        assert.equal(first.fetchCount, 1);
        assert.deepEqual(first.lease, { jobId: id, token: 1 });

        const [second] = await fetchOk(storage, { owner: 'other-server' });
        assert.equal(second?.id, id, 'the expired lease made the job visible again');
        assert.equal(second.fetchCount, 2);
        assert.deepEqual(second.lease, { jobId: id, token: 2 });

        assert.equal(await succeed(storage, first), false, 'the old lease cannot complete the job');
        assert.deepEqual((await storage.renewLeases([first.lease], 60_000))._unsafeUnwrap(), { renewed: [], lost: [id] });
        assert.deepEqual((await storage.releaseJobs([first.lease], 'stopping'))._unsafeUnwrap(), []);
        assert.equal(await stateOf(storage, id), 'Processing');

        const details = (await storage.jobDetails(id))._unsafeUnwrap()!;
        assert.equal(details.leaseOwner, 'other-server');
        assert.deepEqual(details.history.map((h) => [h.name, h.reason]), [
          ['Processing', 'Lease expired; fetched again'],
          ['Processing', 'Fetched by a worker'],
          ['Enqueued', undefined],
        ]);
        assert.deepEqual(details.history[0]?.data, { server: 'other-server', fetchCount: 2 });

        assert.equal(await succeed(storage, second, '"done"'), true, 'the current lease completes it');
        assert.equal((await storage.getResult(id))._unsafeUnwrap(), '"done"');
      }));

    it('does not fetch a job whose lease was renewed in time', () =>
      withStorage(kind, async ({ storage }) => {
        const id = (await storage.createJob(newJob()))._unsafeUnwrap();
        const [held] = await fetchOk(storage, { leaseMs: 0 });
        assert.ok(held !== undefined);
        assert.deepEqual((await storage.renewLeases([held.lease], 60_000))._unsafeUnwrap(), { renewed: [id], lost: [] });
        assert.deepEqual(await fetchOk(storage), [], 'a renewed lease keeps the job invisible');
        assert.deepEqual((await storage.renewLeases([], 60_000))._unsafeUnwrap(), { renewed: [], lost: [] });
        assert.equal(await succeed(storage, held), true);
        assert.deepEqual((await storage.renewLeases([held.lease], 60_000))._unsafeUnwrap(), { renewed: [], lost: [id] }, 'a finished job is no longer held');
      }));

    it('finds the Processing jobs leased to an owner by one process\'s requests, other than the ones it holds, up to a limit', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const ids = (await storage.createJobs(Array.from({ length: 7 }, () => newJob())))._unsafeUnwrap();
        const mine = await fetchOk(storage, { limit: 3, owner: 'server-a', request: 'p1/1' });
        const theirs = await fetchOk(storage, { limit: 1, owner: 'server-b', request: 'p1/2' });
        const sameNameOtherProcess = await fetchOk(storage, { limit: 1, owner: 'server-a', request: 'p2/1' });
        const unnamed = await fetchOk(storage, { limit: 1, owner: 'server-a' });
        assert.deepEqual([...mine, ...theirs, ...sameNameOtherProcess, ...unnamed].map((job) => job.id), ids.slice(0, 6));
        assert.equal(await succeed(storage, mine[2]!), true, 'a finished job is no longer leased');
        const leaseRequestOf = async (id: string) => (await t.sql<{ lease_request: string | null }>(`SELECT lease_request FROM ${storage.schema.quoted}.jobs WHERE id = $1`, [id]))[0]?.lease_request;
        assert.equal(await leaseRequestOf(mine[0]!.id), 'p1/1#1', 'the request id and the fetch count it set');
        assert.equal(await leaseRequestOf(mine[2]!.id), null, 'a finished job keeps no lease request');
        const found = (lease: { jobId: string; token: number }, request: string) => ({ ...lease, request });

        const stray = (await storage.findStrayLeases('server-a', 'p1/', [mine[0]!.id], 10))._unsafeUnwrap();
        assert.deepEqual(stray, [found(mine[1]!.lease, 'p1/1')],
          'not the held one, the finished one, the other owner\'s, the other process\'s, the one with no request, or the Enqueued one');
        assert.deepEqual((await storage.findStrayLeases('server-a', 'p1/', [], 10))._unsafeUnwrap(), [found(mine[0]!.lease, 'p1/1'), found(mine[1]!.lease, 'p1/1')]);
        assert.deepEqual((await storage.findStrayLeases('server-a', 'p1/', [], 1))._unsafeUnwrap(), [found(mine[0]!.lease, 'p1/1')]);
        assert.deepEqual((await storage.findStrayLeases('server-a', 'p2/', [], 10))._unsafeUnwrap(), [found(sameNameOtherProcess[0]!.lease, 'p2/1')]);
        assert.deepEqual((await storage.findStrayLeases('server-b', 'p1/', [], 10))._unsafeUnwrap(), [found(theirs[0]!.lease, 'p1/2')]);
        assert.deepEqual((await storage.findStrayLeases('nobody', 'p1/', [], 10))._unsafeUnwrap(), []);
        const everyone = (await storage.findStrayLeases('server-a', '', [], 10))._unsafeUnwrapErr();
        assert.equal(everyone.kind, 'InvalidInput', 'an empty prefix would read every process\'s leases');

        // What a server does with them: hand them back, fenced by the lease.
        assert.deepEqual((await storage.releaseJobs(stray, 'stray'))._unsafeUnwrap(), [mine[1]!.id]);
        assert.equal(await stateOf(storage, mine[1]!.id), 'Enqueued');
        assert.equal(await leaseRequestOf(mine[1]!.id), null, 'nor does one handed back');
        assert.deepEqual((await storage.findStrayLeases('server-a', 'p1/', [], 10))._unsafeUnwrap(), [found(mine[0]!.lease, 'p1/1')]);
        // Fetched again by another request of the same process: the job carries the new request.
        const again = await fetchOk(storage, { limit: 1, owner: 'server-a', request: 'p1/3' });
        assert.deepEqual(again.map((job) => job.id), [mine[1]!.id]);
        assert.deepEqual((await storage.findStrayLeases('server-a', 'p1/', [mine[0]!.id], 10))._unsafeUnwrap(), [found(again[0]!.lease, 'p1/3')]);

        // Fetched again by a process of an older version, which leaves the column as it was: not this request's lease any more.
        await t.sql(`UPDATE ${storage.schema.quoted}.jobs SET fetch_count = fetch_count + 1 WHERE id = $1`, [again[0]!.id]);
        assert.deepEqual((await storage.findStrayLeases('server-a', 'p1/', [mine[0]!.id], 10))._unsafeUnwrap(), []);
      }));

    it('drains queues in the order given, oldest first within a queue', () =>
      withStorage(kind, async ({ storage }) => {
        const olderDefault = await createEach(storage, 3, { queue: 'default' });
        const critical = await createEach(storage, 3, { queue: 'critical' });
        const ignored = await createEach(storage, 2, { queue: 'elsewhere' });

        const firstFour = await fetchOk(storage, { queues: ['critical', 'default'], limit: 4 });
        assert.deepEqual(firstFour.map((j) => j.id), [...critical, olderDefault[0]], 'critical first though default is older; the limit spans both queues');
        assert.deepEqual(firstFour.map((j) => j.queue), ['critical', 'critical', 'critical', 'default']);

        const rest = await fetchOk(storage, { queues: ['critical', 'default'], limit: 10 });
        assert.deepEqual(rest.map((j) => j.id), olderDefault.slice(1), 'FIFO within the queue');
        assert.deepEqual(await fetchOk(storage, { queues: ['critical', 'default'] }), []);
        assert.deepEqual((await fetchOk(storage, { queues: ['elsewhere'] })).map((j) => j.id), ignored, 'unrequested queues were left alone');
      }));

    it('keeps FIFO order within one createJobs batch and honours the limit', () =>
      withStorage(kind, async ({ storage }) => {
        const ids = (await storage.createJobs(Array.from({ length: 5 }, (_, n) => newJob({ payload: { n } }))))._unsafeUnwrap();
        assert.deepEqual((await fetchOk(storage, { limit: 2 })).map((j) => j.id), ids.slice(0, 2));
        assert.deepEqual((await fetchOk(storage, { limit: 2 })).map((j) => j.id), ids.slice(2, 4));
        const [last] = await fetchOk(storage, { limit: 2 });
        assert.ok(last !== undefined);
        assert.equal(last.id, ids[4]);
        assert.deepEqual(last.payload, { n: 4 });
        assert.equal(last.typeName, 'Ping');
        const details = (await storage.jobDetails(last.id))._unsafeUnwrap();
        assert.ok(last.createdAt instanceof Date && details !== undefined);
        assert.equal(last.createdAt.getTime(), details.createdAt.getTime(), 'the fetched job carries its creation time, to the millisecond');
      }));

    it('never fetches Scheduled, Awaiting or finished jobs', () =>
      withStorage(kind, async ({ storage }) => {
        const [parent, failed] = await createEach(storage, 2);
        const held = await fetchOk(storage);
        assert.equal(await succeed(storage, held[0]!), true);
        assert.equal((await storage.changeState({ jobId: failed!, from: ['Processing'], lease: held[1]!.lease, to: { name: 'Failed' } }))._unsafeUnwrap(), true);
        (await storage.createJobs([
          newJob({ state: { name: 'Scheduled', runAt: new Date(Date.now() + 60_000) } }),
          newJob({ state: { name: 'Awaiting', parentId: parent!, on: 'finished' } }),
        ]))._unsafeUnwrap();
        assert.deepEqual(await fetchOk(storage), []);
        assert.deepEqual(await fetchOk(storage, { queues: [] }), []);
      }));
  });
}
