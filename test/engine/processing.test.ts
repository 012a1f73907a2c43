import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Request } from '../../src/mediator/index.js';
import { STORAGE_KINDS, eventually } from '../support/test-storage.js';
import { testEngine } from './support.js';

class Tally extends Request<{ n: number; at: Date }> {
  constructor(readonly n: number) {
    super();
  }
}

for (const kind of STORAGE_KINDS) {
  describe(`processing (${kind})`, () => {
    it('runs 1,000 jobs through 2 servers of 4 workers, each exactly once', async () => {
      const runs = new Map<number, number>();
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Tally, { handle: (request: Tally) => (runs.set(request.n, (runs.get(request.n) ?? 0) + 1), { n: request.n, at: new Date(0) }) })._unsafeUnwrap();
      });
      try {
        const ids = (await e.engine.client.enqueueBatch(Array.from({ length: 1000 }, (_, n) => new Tally(n))))._unsafeUnwrap();
        assert.equal(ids.length, 1000);
        await e.startServer({ ServerName: 'server-a' });
        await e.startServer({ ServerName: 'server-b' });
        await eventually(async () => ((await e.t.storage.stateCounts())._unsafeUnwrap().Succeeded === 1000 ? true : undefined), '1,000 jobs to succeed', 60_000);
        assert.equal(runs.size, 1000);
        assert.deepEqual([...runs.values()].filter((count) => count !== 1), [], 'no job ran twice');
        const owners = await e.t.sql<{ server: string; jobs: number }>(
          `SELECT data->>'server' AS server, count(*)::int AS jobs FROM ${e.t.storage.schema.quoted}.job_history WHERE name = 'Processing' GROUP BY 1 ORDER BY 1`,
        );
        assert.deepEqual(owners.map((o) => o.server), ['server-a', 'server-b'], 'both servers took jobs');
        const stored = (await e.t.storage.getResult(ids[7]!))._unsafeUnwrap();
        assert.deepEqual(JSON.parse(stored!), { n: 7, at: { $mj: 'date', v: '1970-01-01T00:00:00.000Z' } }, 'the response is stored with its Date');
        assert.deepEqual(e.logger.errors(), []);
      } finally {
        await e.dispose();
      }
    });

    it('with a backlog, runs at most WorkerCount handlers and at most two fetches at once; a trickle of jobs gets one fetch at a time, and a finished job none', async () => {
      let running = 0, mostRunning = 0, fetching = 0, mostFetching = 0;
      const runs = new Map<number, number>();
      // No poll: every fetch counted below comes from a notification, a full fetch or a freed worker.
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Tally, {
          handle: async (request: Tally) => {
            mostRunning = Math.max(mostRunning, ++running);
            runs.set(request.n, (runs.get(request.n) ?? 0) + 1);
            // A little work, so handlers overlap and the workers fill up.
            await new Promise((resolve) => setTimeout(resolve, 2));
            running--;
            return { n: request.n, at: new Date(0) };
          },
        })._unsafeUnwrap();
      }, { WorkerCount: 8, QueuePollInterval: '1h' });
      // Counts fetches in flight; the statement itself is the real one.
      const fetchJobs = e.t.storage.fetchJobs.bind(e.t.storage);
      e.t.storage.fetchJobs = (request) => {
        mostFetching = Math.max(mostFetching, ++fetching);
        return fetchJobs(request).map((outcomes) => (fetching--, outcomes)).mapErr((error) => (fetching--, error));
      };
      try {
        (await e.engine.client.enqueueBatch(Array.from({ length: 400 }, (_, n) => new Tally(n))))._unsafeUnwrap();
        await e.startServer();
        await eventually(async () => ((await e.t.storage.stateCounts())._unsafeUnwrap().Succeeded === 400 ? true : undefined), '400 jobs to succeed', 60_000);
        assert.equal(runs.size, 400);
        assert.deepEqual([...runs.values()].filter((count) => count !== 1), [], 'no job ran twice');
        assert.ok(mostRunning <= 8, `at most WorkerCount handlers at once (${mostRunning})`);
        assert.ok(mostFetching <= 2, `at most two fetches at once (${mostFetching})`);

        // Jobs one at a time: no fetch comes back full, so the second loop stays out. The backlog's
        // last full fetch sends both loops once more, on a wake-up that a freed worker schedules with
        // setImmediate; so the pool is settled only when no fetch is in flight after a turn of the
        // event loop too (a pending wake-up runs first, and the loops start their fetches in it).
        for (;;) {
          await eventually(async () => (fetching === 0 ? true : undefined), 'the backlog\'s last fetches to return');
          await new Promise((resolve) => setImmediate(resolve));
          if (fetching === 0) break;
        }
        // Through the batch call, which never claims a job as it creates it: each job is announced and fetched.
        mostFetching = 0;
        let fetches = 0;
        const countFetches = e.t.storage.fetchJobs.bind(e.t.storage);
        e.t.storage.fetchJobs = (request) => (fetches++, countFetches(request));
        for (let n = 400; n < 410; n++) {
          const [id] = (await e.engine.client.enqueueBatch([new Tally(n)]))._unsafeUnwrap();
          await e.waitForState(id as string, 'Succeeded');
        }
        assert.equal(mostFetching, 1, 'one fetch at a time for a trickle of jobs');
        // A job's fetch came back short and nothing was enqueued since: its worker freeing up fetches nothing more.
        assert.equal(fetches, 10, 'one fetch per job of the trickle, none more when its worker frees up');

        // Enqueued alone in the server's process, each job is claimed as it is created: no fetch at all.
        fetches = 0;
        for (let n = 410; n < 420; n++) {
          const id = (await e.engine.client.enqueue(new Tally(n)))._unsafeUnwrap();
          await e.waitForState(id, 'Succeeded');
        }
        assert.equal(fetches, 0, 'jobs claimed as they were created need no fetch, and a freed worker fetches only when jobs may wait');
        assert.deepEqual(e.logger.errors(), []);
      } finally {
        await e.dispose();
      }
    });

    it('starts a job scheduled 200 ms ahead within about a second', async () => {
      const started: number[] = [];
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Tally, { handle: (request: Tally) => (started.push(Date.now()), { n: request.n, at: new Date() }) })._unsafeUnwrap();
      });
      try {
        await e.startServer();
        const scheduledAt = Date.now();
        const id = (await e.engine.client.schedule(new Tally(1), 200))._unsafeUnwrap();
        await e.waitForState(id, 'Succeeded');
        const latency = (started[0] ?? Infinity) - scheduledAt;
        assert.ok(latency >= 150, `not before its time (${latency} ms)`);
        // The scheduler wakes when the job is due (it sleeps at most 1 s); the margin
        // is for a CI machine running two test files on two cores, not for the design.
        assert.ok(latency < 5_000, `within about a second (${latency} ms)`);
        const history = (await e.t.storage.jobDetails(id))._unsafeUnwrap()!.history.map((h) => h.name);
        assert.deepEqual(history, ['Succeeded', 'Processing', 'Enqueued', 'Scheduled']);
      } finally {
        await e.dispose();
      }
    });

    it('a server whose start the database refused can be started again, and then runs jobs', async () => {
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Tally, { handle: (request: Tally) => ({ n: request.n, at: new Date(0) }) })._unsafeUnwrap();
      });
      const schema = `"${e.t.options.schemaName!}"`;
      const server = e.engine.createServer();
      try {
        // The servers table out of the way: announcing the server fails as it would with the database still down.
        await e.t.sql(`ALTER TABLE ${schema}.servers RENAME TO servers_away`);
        const refused = await server.start();
        assert.ok(refused.isErr() && refused.error.kind === 'StorageFailed', JSON.stringify(refused));
        await e.t.sql(`ALTER TABLE ${schema}.servers_away RENAME TO servers`);
        (await server.start())._unsafeUnwrap();
        const id = (await e.engine.client.enqueue(new Tally(7)))._unsafeUnwrap();
        await e.waitForState(id, 'Succeeded');
        const again = await server.start();
        assert.ok(again.isErr() && again.error.kind === 'InvalidOptions', 'a running server still refuses a second start');
      } finally {
        (await server.stop())._unsafeUnwrap();
        await e.dispose();
      }
    });
  });
}
