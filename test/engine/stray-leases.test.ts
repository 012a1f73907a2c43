import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResultAsync, err } from 'neverthrow';
import { Request } from '../../src/mediator/index.js';
import { STRAY_LEASE_REASON } from '../../src/server/worker-pool.js';
import type { JobStorage, LocalClaim, StrayLease, WriteOptions } from '../../src/storage/job-storage.js';
import type { JobId, Lease } from '../../src/storage/job-types.js';
import { STORAGE_KINDS, eventually, type StorageKind } from '../support/test-storage.js';
import { deferred } from '../mediator/support/deferred.js';
import { testEngine, type TestEngine } from './support.js';

class Echo extends Request<number> {
  constructor(readonly n: number) {
    super();
  }
}

/** Long enough that only the stray-lease check, not an expired lease, can bring a job back in a test. */
const LONG_LEASE = { InvisibilityTimeout: '5m' };

async function engineCounting(kind: StorageKind, runs: Map<number, number>, settings = {}): Promise<TestEngine> {
  return testEngine(kind, (registry) => {
    registry.addHandler(Echo, { handle: (request: Echo) => (runs.set(request.n, (runs.get(request.n) ?? 0) + 1), request.n) })._unsafeUnwrap();
  }, { ...LONG_LEASE, ...settings });
}

/**
 * Runs `body` on an engine counting its handler runs, with `hold` holding
 * back some of its storage's answers; whatever is held is let go before the
 * engine is disposed, so a failed assertion cannot leave a worker waiting.
 */
async function withHeldEngine<Held extends { open(): void }>(
  kind: StorageKind,
  hold: (storage: JobStorage) => Held,
  body: (e: TestEngine, runs: Map<number, number>, held: Held) => Promise<void>,
): Promise<void> {
  const runs = new Map<number, number>();
  const e = await engineCounting(kind, runs);
  const held = hold(e.t.storage);
  try {
    await body(e, runs, held);
  } finally {
    held.open();
    await e.dispose();
  }
}

/** The next enqueue's storage options are changed by `change` (later enqueues are left alone). */
function changeNextEnqueue(storage: JobStorage, change: (options: WriteOptions | undefined) => WriteOptions): void {
  const createJobs = storage.createJobs.bind(storage);
  storage.createJobs = (jobs, options) => {
    storage.createJobs = createJobs;
    return createJobs(jobs, change(options));
  };
}

/** The local claim an idle worker offers the next enqueue, if it offers one, is changed by `change`. */
function changeNextClaim(storage: JobStorage, change: (claim: LocalClaim) => LocalClaim): void {
  changeNextEnqueue(storage, (options) => {
    const offer = options?.claimOffer;
    return { ...options, claimOffer: offer && ((queue) => { const claim = offer(queue); return claim && change(claim); }) };
  });
}

/**
 * The next local claim's answer is lost: its statement commits the job
 * Processing under the server's lease, but the worker never gets it, as when
 * the connection drops between the commit and the answer.
 */
function loseNextClaimAnswer(storage: JobStorage): void {
  changeNextClaim(storage, (claim) => ({ ...claim, launch: () => claim.release() }));
}

/** The next enqueue goes through the queue (no local claim), so its job reaches a worker by notification and fetch. */
function nextEnqueueThroughQueue(storage: JobStorage): void {
  changeNextEnqueue(storage, (options) => ({ ...options, claimOffer: undefined }));
}

/**
 * Holds back the answer of every fetch that leased jobs until `open` is
 * called: the fetch has committed, and the pool is still waiting for it.
 * `committed` resolves once the first such fetch has committed.
 */
function holdFetchAnswers(storage: JobStorage): { committed: Promise<void>; open: () => void } {
  const gate = deferred();
  const committed = deferred();
  const fetchJobs = storage.fetchJobs.bind(storage);
  storage.fetchJobs = (request) => fetchJobs(request).map(async (outcomes) => {
    if (outcomes.length > 0) {
      committed.resolve();
      await gate.promise;
    }
    return outcomes;
  });
  return { committed: committed.promise, open: () => gate.resolve() };
}

/** The next local claim's job reaches the pool as malformed (as a row the worker cannot decode would), with its real lease. */
function malformNextClaim(storage: JobStorage): void {
  changeNextClaim(storage, (claim) => ({
    ...claim,
    launch: (outcome) => claim.launch(outcome.andThen((job) => err({ kind: 'MalformedJob' as const, jobId: job.id, lease: job.lease, typeName: job.typeName, message: `job ${job.id} made malformed by the test` }))),
  }));
}

/**
 * Holds every single state change (the write that fails a malformed job)
 * until `open` is called; `entered` resolves once the first one is waiting.
 */
function holdSingleStateChanges(storage: JobStorage): { entered: Promise<void>; open: () => void } {
  const gate = deferred();
  const entered = deferred();
  const changeState = storage.changeState.bind(storage);
  storage.changeState = (change) => {
    entered.resolve();
    return ResultAsync.fromSafePromise(gate.promise).andThen(() => changeState(change));
  };
  return { entered: entered.promise, open: () => gate.resolve() };
}

/** Every set of leases the pool hands back from now on. */
function recordReleases(storage: JobStorage): Lease[][] {
  const released: Lease[][] = [];
  const releaseJobs = storage.releaseJobs.bind(storage);
  storage.releaseJobs = (leases, reason) => {
    released.push([...leases]);
    return releaseJobs(leases, reason);
  };
  return released;
}

async function history(e: TestEngine, id: JobId): Promise<[string, string | undefined][]> {
  const details = (await e.t.storage.jobDetails(id))._unsafeUnwrap()!;
  return details.history.map((h) => [h.name, h.reason]).reverse() as [string, string | undefined][];
}

for (const kind of STORAGE_KINDS) {
  describe(`jobs leased to a server that no worker of it holds (${kind})`, () => {
    it('a claimed job whose answer was lost is handed back and runs once, long before its lease would expire', async () => {
      const runs = new Map<number, number>();
      const e = await engineCounting(kind, runs);
      try {
        const server = await e.startServer();
        loseNextClaimAnswer(e.t.storage);
        const id = (await e.engine.client.enqueue(new Echo(7)))._unsafeUnwrap();
        await e.waitForState(id, 'Succeeded', 20_000);
        assert.deepEqual([...runs], [[7, 1]]);
        const steps = await history(e, id);
        assert.deepEqual(steps.map(([name]) => name), ['Enqueued', 'Processing', 'Enqueued', 'Processing', 'Succeeded']);
        assert.equal(steps[2]?.[1], STRAY_LEASE_REASON);
        const details = (await e.t.storage.jobDetails(id))._unsafeUnwrap()!;
        assert.deepEqual(details.history.at(-2)?.data, { server: server.name, fetchCount: 1, onEnqueue: true }, 'the lost answer was a local claim');
        // Logged once the release's answer is back, which the job's run may overtake.
        await eventually(async () => (e.logger.at('warn').some((m) => m.startsWith(`Handed back 1 job(s) leased to this server that no worker held`) && m.endsWith(id)) ? true : undefined), 'the warning');
        assert.deepEqual(e.logger.errors(), []);
      } finally {
        await e.dispose();
      }
    });

    it('a job whose fetch answer is still on its way is not stray: a check that read it meanwhile leaves it, and the job runs once', () => withHeldEngine(kind, holdFetchAnswers, async (e, runs, fetches) => {
      const storage = e.t.storage;
      nextEnqueueThroughQueue(storage);

      // The first check enqueues a job and reads once that job's fetch has committed, before the pool has its answer.
      const seenByCheck: StrayLease[][] = [];
      let enqueued: ResultAsync<JobId, unknown> | undefined;
      const findStrayLeases = storage.findStrayLeases.bind(storage);
      storage.findStrayLeases = (owner, prefix, held, limit) => {
        if (enqueued !== undefined) return findStrayLeases(owner, prefix, held, limit);
        enqueued = e.engine.client.enqueue(new Echo(1));
        return ResultAsync.fromSafePromise(fetches.committed)
          .andThen(() => findStrayLeases(owner, prefix, held, limit))
          .map((found) => (seenByCheck.push([...found]), found));
      };
      const released = recordReleases(storage);

      await e.startServer();
      await eventually(async () => (enqueued !== undefined ? true : undefined), 'the first stray-lease check');
      const id = (await enqueued!)._unsafeUnwrap();
      await eventually(async () => (seenByCheck.length > 0 ? true : undefined), 'the check to read');
      assert.deepEqual(seenByCheck[0]?.map((lease) => lease.jobId), [id], 'the check read the job as leased and not held: the race was real');
      // Let the pool act on what the check read before the fetch answer arrives.
      await new Promise((resolve) => setImmediate(resolve));
      fetches.open();
      await e.waitForState(id, 'Succeeded');
      assert.deepEqual([...runs], [[1, 1]]);
      assert.deepEqual(released, [], 'nothing was handed back');
      assert.deepEqual((await history(e, id)).map(([name]) => name), ['Enqueued', 'Processing', 'Succeeded']);
    }));

    it('a lost answer is handed back while another fetch is still on its way (no quiet moment needed)', () => withHeldEngine(kind, holdFetchAnswers, async (e, runs, fetches) => {
      const storage = e.t.storage;
      // The first job goes through the queue, and its fetch's answer is held back: that fetch stays in flight.
      nextEnqueueThroughQueue(storage);
      await e.startServer();
      const held = (await e.engine.client.enqueue(new Echo(1)))._unsafeUnwrap();
      await fetches.committed;
      // The second job is claimed by an idle worker as it is created, and that answer is lost.
      loseNextClaimAnswer(storage);
      const lost = (await e.engine.client.enqueue(new Echo(2)))._unsafeUnwrap();

      await eventually(async () => ((await history(e, lost)).some(([, reason]) => reason === STRAY_LEASE_REASON) ? true : undefined), 'the lost job handed back', 20_000);
      assert.equal((await storage.getState(held))._unsafeUnwrap(), 'Processing', 'the job whose answer is on its way is left leased');
      assert.deepEqual([...runs], [], 'the held fetch has not answered yet');
      fetches.open();
      await e.waitForState(held, 'Succeeded');
      await e.waitForState(lost, 'Succeeded');
      assert.deepEqual([...runs].sort(), [[1, 1], [2, 1]]);
      assert.deepEqual((await history(e, held)).map(([name]) => name), ['Enqueued', 'Processing', 'Succeeded']);
    }));

    for (const path of ['claim', 'fetch'] as const) {
      it(`a malformed job from a ${path} is not stray while it is being failed: checks meanwhile leave it, and it ends Failed once`, () => withHeldEngine(kind, holdSingleStateChanges, async (e, runs, failing) => {
        const storage = e.t.storage;
        let id: JobId;
        if (path === 'claim') {
          await e.startServer();
          malformNextClaim(storage);
          id = (await e.engine.client.enqueue(new Echo(1)))._unsafeUnwrap();
        } else {
          // A row the worker cannot decode, waiting in the queue when the server starts.
          id = (await e.engine.client.enqueue(new Echo(1)))._unsafeUnwrap();
          await e.t.sql(`UPDATE ${storage.schema.quoted}.jobs SET payload = '{not json' WHERE id = $1`, [id]);
          await e.startServer();
        }
        await failing.entered;

        // Two checks read the job as leased to this server and not held, while its failure is being written.
        let readIt = 0;
        const findStrayLeases = storage.findStrayLeases.bind(storage);
        storage.findStrayLeases = (owner, prefix, held, limit) => findStrayLeases(owner, prefix, held, limit).map((found) => {
          if (found.some((lease) => lease.jobId === id)) readIt++;
          return found;
        });
        const released = recordReleases(storage);
        await eventually(async () => (readIt >= 3 ? true : undefined), 'three stray-lease checks to read the job', 20_000);
        assert.deepEqual(released, [], 'no check handed it back');

        failing.open();
        await e.waitForState(id, 'Failed');
        assert.deepEqual([...runs], [], 'the handler never ran');
        const steps = await history(e, id);
        assert.deepEqual(steps.map(([name]) => name), ['Enqueued', 'Processing', 'Failed']);
        assert.match(steps[2]?.[1] ?? '', path === 'claim' ? /made malformed by the test/ : /is not valid JSON/);
      }));
    }

    it('servers sharing a configured name each hand back only their own lost answers, never a job the other holds', async () => {
      const runs = new Map<number, number>();
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const blockStarted = new Promise<void>((resolve) => (started = resolve));
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Echo, {
          handle: async (request: Echo) => {
            runs.set(request.n, (runs.get(request.n) ?? 0) + 1);
            if (request.n === 1) {
              started();
              await released;
            }
            return request.n;
          },
        })._unsafeUnwrap();
      }, { ...LONG_LEASE, ServerName: 'shared-name' });
      try {
        const storage = e.t.storage;
        // Two servers under one name, as two processes started from one appsettings.json; one queue each.
        const a = await e.startServer({ Queues: ['a'] });
        const b = await e.startServer({ Queues: ['b'] });
        assert.equal(a.name, b.name);
        const held = (await e.engine.client.enqueue(new Echo(1), { queue: 'a' }))._unsafeUnwrap();
        await blockStarted;

        const checks: string[] = [];
        const findStrayLeases = storage.findStrayLeases.bind(storage);
        storage.findStrayLeases = (owner, prefix, heldIds, limit) => {
          checks.push(prefix);
          return findStrayLeases(owner, prefix, heldIds, limit);
        };
        loseNextClaimAnswer(storage);
        const lost = (await e.engine.client.enqueue(new Echo(2), { queue: 'b' }))._unsafeUnwrap();
        await e.waitForState(lost, 'Succeeded', 20_000);
        assert.equal((await history(e, lost))[2]?.[1], STRAY_LEASE_REASON, 'b handed back its own lost answer');
        // Both servers checked (two prefixes) at least twice more while a's job was held.
        const from = checks.length;
        await eventually(async () => (checks.length >= from + 4 && new Set(checks.slice(from)).size === 2 ? true : undefined), 'both servers to check twice more');
        assert.equal((await storage.getState(held))._unsafeUnwrap(), 'Processing');

        release();
        await e.waitForState(held, 'Succeeded');
        assert.deepEqual([...runs].sort(), [[1, 1], [2, 1]]);
        assert.deepEqual((await history(e, held)).map(([name]) => name), ['Enqueued', 'Processing', 'Succeeded'], 'b never handed back the job a holds');
      } finally {
        release();
        await e.dispose();
      }
    });
  });
}
