import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Request } from '../../src/mediator/index.js';
import type { JobId } from '../../src/storage/job-types.js';
import { STORAGE_KINDS, eventually } from '../support/test-storage.js';
import { testEngine, type TestEngine } from './support.js';

class Echo extends Request<number> {
  constructor(readonly n: number) {
    super();
  }
}

/** Records the ids every fetch hands out; the statement itself is the real one. */
function recordFetches(e: TestEngine): Set<JobId> {
  const fetched = new Set<JobId>();
  const fetchJobs = e.t.storage.fetchJobs.bind(e.t.storage);
  e.t.storage.fetchJobs = (request) => fetchJobs(request).map((outcomes) => {
    for (const outcome of outcomes) if (outcome.isOk()) fetched.add(outcome.value.id);
    return outcomes;
  });
  return fetched;
}

async function processingData(e: TestEngine, id: JobId): Promise<unknown[]> {
  const details = (await e.t.storage.jobDetails(id))._unsafeUnwrap()!;
  return details.history.filter((h) => h.name === 'Processing').map((h) => h.data);
}

for (const kind of STORAGE_KINDS) {
  describe(`jobs claimed by an idle local worker as they are enqueued (${kind})`, () => {
    it('a job enqueued while a server of this engine is idle starts without a fetch, runs once, and records it in its history', async () => {
      const runs = new Map<number, number>();
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Echo, { handle: (request: Echo) => (runs.set(request.n, (runs.get(request.n) ?? 0) + 1), request.n * 2) })._unsafeUnwrap();
      });
      try {
        const fetched = recordFetches(e);
        const server = await e.startServer();
        const ids: JobId[] = [];
        for (let n = 0; n < 5; n++) {
          const id = (await e.engine.client.enqueue(new Echo(n)))._unsafeUnwrap();
          await e.waitForState(id, 'Succeeded');
          ids.push(id);
        }
        assert.deepEqual([...runs.values()], [1, 1, 1, 1, 1]);
        assert.deepEqual(ids.filter((id) => fetched.has(id)), [], 'no fetch handed these jobs out');
        assert.deepEqual(await processingData(e, ids[3]!), [{ server: server.name, fetchCount: 1, onEnqueue: true }]);
        assert.equal((await e.t.storage.getResult(ids[3]!))._unsafeUnwrap(), '6');

        // A job of a queue the server does not serve, and a batch, go through the queue.
        const elsewhere = (await e.engine.client.enqueue(new Echo(10), { queue: 'elsewhere' }))._unsafeUnwrap();
        assert.equal((await e.t.storage.getState(elsewhere))._unsafeUnwrap(), 'Enqueued');
        const batch = (await e.engine.client.enqueueBatch([new Echo(20), new Echo(21)]))._unsafeUnwrap();
        for (const id of batch) await e.waitForState(id, 'Succeeded');
        assert.deepEqual(batch.filter((id) => fetched.has(id)), batch, 'batch jobs were fetched');
        assert.deepEqual(e.logger.errors(), []);
      } finally {
        await e.dispose();
      }
    });

    it('a claim whose statement returns after the server began to stop: the stop waits for it and hands the job back, which runs once after a restart', async () => {
      const runs: number[] = [];
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Echo, { handle: (request: Echo) => (runs.push(request.n), request.n) })._unsafeUnwrap();
      });
      try {
        // Holds back the claimed job's launch, as if the creating statement's answer came late.
        let openGate!: () => void;
        const gate = new Promise<void>((resolve) => (openGate = resolve));
        let claimed = false;
        const createJobs = e.t.storage.createJobs.bind(e.t.storage);
        e.t.storage.createJobs = (jobs, options) => createJobs(jobs, {
          ...options,
          claimOffer: (queue) => {
            const claim = options?.claimOffer?.(queue);
            if (claim === undefined) return undefined;
            claimed = true;
            return { ...claim, launch: (job) => void gate.then(() => claim.launch(job)), release: () => void gate.then(() => claim.release()) };
          },
        });
        const server = await e.startServer();
        const id = (await e.engine.client.enqueue(new Echo(1)))._unsafeUnwrap();
        assert.ok(claimed, 'an idle worker claimed the job');
        assert.equal((await e.t.storage.getState(id))._unsafeUnwrap(), 'Processing', 'committed as Processing under the local lease');

        const stopped = server.stop();
        const settledFirst = await Promise.race([stopped.then(() => 'stop'), new Promise((resolve) => setTimeout(resolve, 300, 'still stopping'))]);
        openGate();
        assert.equal(settledFirst, 'still stopping', 'the stop waits for the claim to settle');
        assert.deepEqual((await stopped)._unsafeUnwrap(), { handedBack: 1 });
        assert.equal((await e.t.storage.getState(id))._unsafeUnwrap(), 'Enqueued', 'handed back to its queue');
        assert.deepEqual(runs, [], 'it did not run on the stopping server');

        await e.startServer();
        await e.waitForState(id, 'Succeeded');
        assert.deepEqual(runs, [1]);
      } finally {
        await e.dispose();
      }
    });

    it('a server stopping while jobs are being enqueued and claimed loses none: each runs once, here or after a restart', async () => {
      const runs = new Map<number, number>();
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Echo, {
          handle: async (request: Echo) => {
            runs.set(request.n, (runs.get(request.n) ?? 0) + 1);
            await new Promise((resolve) => setTimeout(resolve, request.n % 3));
            return request.n;
          },
        })._unsafeUnwrap();
      }, { WorkerCount: 2 });
      try {
        const server = await e.startServer();
        const ids: JobId[] = [];
        let stopped: ReturnType<typeof server.stop> | undefined;
        for (let n = 0; n < 120; n++) {
          // The stop starts while an enqueue is in flight, and enqueues go on meanwhile.
          const enqueued = e.engine.client.enqueue(new Echo(n));
          if (n === 60) stopped = server.stop();
          ids.push((await enqueued)._unsafeUnwrap());
        }
        assert.ok(stopped !== undefined);
        (await stopped)._unsafeUnwrap();
        const states = await Promise.all(ids.map(async (id) => (await e.t.storage.getState(id))._unsafeUnwrap()));
        assert.deepEqual(states.filter((state) => state !== 'Succeeded' && state !== 'Enqueued'), [], 'after the stop every job is done or back in its queue');
        assert.ok(states.filter((state) => state === 'Enqueued').length >= 59, 'jobs enqueued after the stop began wait in the queue');

        await e.startServer();
        await eventually(async () => ((await e.t.storage.stateCounts())._unsafeUnwrap().Succeeded === 120 ? true : undefined), '120 jobs to succeed', 30_000);
        assert.equal(runs.size, 120);
        assert.deepEqual([...runs.entries()].filter(([, count]) => count !== 1), [], 'no job ran twice');
        assert.deepEqual(e.logger.errors(), []);
      } finally {
        await e.dispose();
      }
    });
  });
}
