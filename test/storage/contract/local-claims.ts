/** A job claimed by a local idle worker in the statement that creates it (LocalClaim): when it may be, and what it records. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClaimOffer, FetchOutcome, LocalClaim } from '../../../src/storage/job-storage.js';
import type { NewJob } from '../../../src/storage/job-types.js';
import type { StorageKind } from '../../support/test-storage.js';
import { createEach, fetchOk, newJob, stateOf, succeed, withStorage } from './support.js';

/** A claim that records what creation did with it. */
function recordingClaim(overrides: Partial<Pick<LocalClaim, 'owner' | 'queuesUpTo'>> = {}) {
  const launched: FetchOutcome[] = [];
  let released = 0;
  const claim: LocalClaim = {
    owner: 'local-server',
    request: 'local/1',
    leaseMs: 30_000,
    queuesUpTo: ['default'],
    ...overrides,
    launch: (job) => void launched.push(job),
    release: () => void released++,
  };
  return { claim, launched, released: () => released };
}

export function localClaimContract(kind: StorageKind): void {
  describe(`claiming a new job for a local worker (${kind})`, () => {
    it('claims a job whose queues are empty: Processing under the local lease, history Enqueued then Processing, no fetch finds it', () =>
      withStorage(kind, async ({ storage }) => {
        const { claim, launched, released } = recordingClaim();
        const id = (await storage.createJob(newJob({ payload: { n: 7 }, reason: 'Enqueued by the client' }), { claimOffer: () => claim }))._unsafeUnwrap();
        assert.equal(released(), 0);
        assert.equal(launched.length, 1);
        const job = launched[0]!._unsafeUnwrap();
        assert.equal(job.id, id);
        assert.deepEqual(job.payload, { n: 7 });
        assert.deepEqual(job.lease, { jobId: id, token: 1 });
        assert.equal(job.fetchCount, 1);
        assert.equal(job.retryCount, 0);

        assert.equal(await stateOf(storage, id), 'Processing');
        const details = (await storage.jobDetails(id))._unsafeUnwrap()!;
        assert.equal(details.leaseOwner, 'local-server');
        assert.equal(job.createdAt.getTime(), details.createdAt.getTime(), 'the claimed job carries its creation time, to the millisecond');
        assert.deepEqual(details.history.map((h) => [h.name, h.reason, h.data]), [
          ['Processing', 'Fetched by a worker', { server: 'local-server', fetchCount: 1, onEnqueue: true }],
          ['Enqueued', 'Enqueued by the client', { queue: 'default' }],
        ]);
        assert.deepEqual(await fetchOk(storage), [], 'the job is leased: no fetch hands it out');
        assert.deepEqual((await storage.findStrayLeases('local-server', 'local/', [], 10))._unsafeUnwrap(), [{ jobId: id, token: 1, request: 'local/1' }],
          'the claim\'s request is recorded, as a fetch\'s is');
        assert.equal(await succeed(storage, job, '1'), true, 'the local lease completes it');
        assert.equal(await stateOf(storage, id), 'Succeeded');
      }));

    it('stores a claimed job\'s parameters, and one left to its queue keeps them too', () =>
      withStorage(kind, async ({ storage }) => {
        const claimed = recordingClaim();
        const withParameters = (await storage.createJob(newJob({ parameters: { culture: 'fr', n: 2 } }), { claimOffer: () => claimed.claim }))._unsafeUnwrap();
        assert.equal(claimed.launched.length, 1);
        assert.deepEqual((await storage.getParameters(withParameters))._unsafeUnwrap(), { culture: 'fr', n: 2 });
        const bare = recordingClaim();
        const without = (await storage.createJob(newJob(), { claimOffer: () => bare.claim }))._unsafeUnwrap();
        assert.equal(bare.launched.length, 1);
        assert.deepEqual((await storage.getParameters(without))._unsafeUnwrap(), {});

        (await storage.createJob(newJob()))._unsafeUnwrap();
        const queued = recordingClaim();
        const behind = (await storage.createJob(newJob({ parameters: { only: true } }), { claimOffer: () => queued.claim }))._unsafeUnwrap();
        assert.deepEqual([queued.launched.length, queued.released()], [0, 1], 'a job waits in the queue: not claimed');
        assert.deepEqual((await storage.getParameters(behind))._unsafeUnwrap(), { only: true });
      }));

    it('does not claim a job while another waits in its queue or an earlier one: it joins the queue behind them', () =>
      withStorage(kind, async ({ storage }) => {
        const [older] = await createEach(storage, 1);
        const first = recordingClaim();
        const behind = (await storage.createJob(newJob({ payload: { n: 1 } }), { claimOffer: () => first.claim }))._unsafeUnwrap();
        assert.deepEqual([first.launched.length, first.released()], [0, 1], 'released, not launched');
        assert.equal(await stateOf(storage, behind), 'Enqueued');
        assert.deepEqual((await fetchOk(storage, { limit: 10 })).map((job) => job.id), [older, behind], 'queue order kept');

        // A job waiting in a higher-priority queue of the server blocks the claim too; one in a later queue does not.
        const [critical] = await createEach(storage, 1, { queue: 'critical' });
        const blocked = recordingClaim({ queuesUpTo: ['critical', 'default'] });
        const second = (await storage.createJob(newJob(), { claimOffer: () => blocked.claim }))._unsafeUnwrap();
        assert.deepEqual([blocked.launched.length, blocked.released()], [0, 1]);
        assert.equal(await stateOf(storage, second), 'Enqueued');
        assert.deepEqual((await fetchOk(storage, { queues: ['critical', 'default'] })).map((job) => job.id), [critical, second]);

        await createEach(storage, 1, { queue: 'low' });
        const taken = recordingClaim({ queuesUpTo: ['critical', 'default'] });
        const third = (await storage.createJob(newJob(), { claimOffer: () => taken.claim }))._unsafeUnwrap();
        assert.deepEqual([taken.launched.length, taken.released()], [1, 0], 'a job waiting only in a later queue does not block the claim');
        assert.equal(await stateOf(storage, third), 'Processing');
      }));

    it('is asked only for a lone Enqueued job: not for a batch, a Scheduled job, or calls merged with concurrent ones', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const asked: string[] = [];
        const offer: ClaimOffer = (queue) => {
          asked.push(queue);
          return recordingClaim().claim;
        };
        // In another queue, so the lone call below finds its own queue empty.
        (await storage.createJobs([newJob({ queue: 'other' }), newJob({ queue: 'other' })], { claimOffer: offer }))._unsafeUnwrap();
        (await storage.createJob(newJob({ state: { name: 'Scheduled', runAt: new Date(Date.now() + 60_000) } }), { claimOffer: offer }))._unsafeUnwrap();
        assert.deepEqual(asked, []);

        // Five calls at once: the first goes alone (and may be claimed), the other four share one statement.
        const ids = await Promise.all(Array.from({ length: 5 }, (_, n) => storage.createJob(newJob({ payload: { n } }), { claimOffer: offer })));
        assert.equal(ids.filter((id) => id.isOk()).length, 5);
        assert.deepEqual(asked, ['default'], 'only the lone first call was offered');
        const processing = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${storage.schema.quoted}.jobs WHERE state = 'Processing'`);
        assert.equal(processing[0]?.n, 1);
      }));

    it('releases the claim and stores nothing when the database refuses the statement', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        // A NUL character is refused by PostgreSQL in text: the whole statement fails.
        const refused = recordingClaim({ owner: 'bad\u0000owner' });
        const job: NewJob = newJob();
        const created = await storage.createJob(job, { claimOffer: () => refused.claim });
        assert.ok(created.isErr(), 'the creation failed');
        assert.deepEqual([refused.launched.length, refused.released()], [0, 1]);
        const rows = await t.sql<{ n: number }>(`SELECT (SELECT count(*) FROM ${storage.schema.quoted}.jobs)::int + (SELECT count(*) FROM ${storage.schema.quoted}.job_states)::int AS n`);
        assert.equal(rows[0]?.n, 0);
        // The next call works.
        const next = recordingClaim();
        (await storage.createJob(job, { claimOffer: () => next.claim }))._unsafeUnwrap();
        assert.equal(next.launched.length, 1);
      }));
  });
}
