import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Request } from '../../src/mediator/index.js';
import { STORAGE_KINDS, eventually } from '../support/test-storage.js';
import { testEngine } from './support.js';

/** Runs until its signal aborts (or `ms` passes), reporting when it started. */
class Long extends Request<string> {
  constructor(readonly ms: number, readonly honoursSignal = true) {
    super();
  }
}

/** Runs until the test lets it finish; never reads its signal. */
class Stubborn extends Request<string> {}

function longHandler(started: Set<string>, aborted: Set<string>, runs: Map<string, number>) {
  return {
    handle: (request: Long, context: { signal: AbortSignal; job?: { jobId: string } }) =>
      new Promise<string>((resolve, reject) => {
        const id = context.job?.jobId ?? '?';
        started.add(id);
        runs.set(id, (runs.get(id) ?? 0) + 1);
        const timer = setTimeout(() => resolve('finished'), request.ms);
        if (!request.honoursSignal) return;
        context.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          aborted.add(id);
          reject(new Error('aborted'));
        }, { once: true });
      }),
  };
}

for (const kind of STORAGE_KINDS) {
  describe(`graceful stop, deletion and leases (${kind})`, () => {
    it('deleting a running job aborts its handler', async () => {
      const started = new Set<string>(), aborted = new Set<string>(), runs = new Map<string, number>();
      const e = await testEngine(kind, (registry) => void registry.addHandler(Long, longHandler(started, aborted, runs))._unsafeUnwrap(), {}, { retry: false });
      try {
        await e.startServer();
        const id = (await e.engine.client.enqueue(new Long(60_000)))._unsafeUnwrap();
        await eventually(async () => (started.has(id) ? true : undefined), 'the job to start');
        assert.equal((await e.engine.client.delete(id))._unsafeUnwrap(), true);
        await eventually(async () => (aborted.has(id) ? true : undefined), 'the handler to be aborted', 5_000);
        assert.equal((await e.t.storage.getState(id))._unsafeUnwrap(), 'Deleted', 'the abort does not overwrite the deletion');
      } finally {
        await e.dispose();
      }
    });

    it('graceful stop hands unfinished jobs back to the head of their queue', async () => {
      const started = new Set<string>(), aborted = new Set<string>(), runs = new Map<string, number>();
      const e = await testEngine(kind, (registry) => void registry.addHandler(Long, longHandler(started, aborted, runs))._unsafeUnwrap(), { ShutdownTimeout: '300ms' }, { retry: false });
      try {
        const server = await e.startServer();
        // Ignores its signal, so it is still running when the shutdown timeout passes.
        const stubborn = (await e.engine.client.enqueue(new Long(60_000, false)))._unsafeUnwrap();
        // Honours its signal: it stops at once, and is handed back too rather than failed and retried.
        const cooperative = (await e.engine.client.enqueue(new Long(60_000, true)))._unsafeUnwrap();
        await eventually(async () => (started.has(stubborn) && started.has(cooperative) ? true : undefined), 'both jobs to start');
        const report = (await server.stop())._unsafeUnwrap();
        assert.equal(report.handedBack, 2);
        assert.ok(aborted.has(cooperative), 'the running handler was signalled');
        for (const id of [stubborn, cooperative]) {
          const details = (await e.t.storage.jobDetails(id))._unsafeUnwrap()!;
          assert.equal(details.state, 'Enqueued');
          assert.match(details.history[0]!.reason ?? '', /Server stopped before the job finished/);
          assert.ok(!details.history.some((h) => h.name === 'Failed'), 'an interruption is not a failure');
        }
        assert.deepEqual((await e.t.storage.servers())._unsafeUnwrap(), [], 'the server left the cluster');
      } finally {
        e.servers.length = 0;
        await e.dispose();
      }
    });

    it('a job running longer than InvisibilityTimeout is performed once (its lease is renewed)', async () => {
      const started = new Set<string>(), aborted = new Set<string>(), runs = new Map<string, number>();
      const e = await testEngine(kind, (registry) => void registry.addHandler(Long, longHandler(started, aborted, runs))._unsafeUnwrap(), { InvisibilityTimeout: '1500ms' }, { retry: false });
      try {
        await e.startServer({ ServerName: 'one' });
        await e.startServer({ ServerName: 'two' });
        // The lease is renewed every 500 ms: only a stall of more than a second, not a busy CI machine, lets it lapse.
        const id = (await e.engine.client.enqueue(new Long(5_000)))._unsafeUnwrap();
        await e.waitForState(id, 'Succeeded', 20_000);
        assert.equal(runs.get(id), 1, 'ran once although it outlived its lease three times');
        assert.deepEqual(aborted.size, 0);
      } finally {
        await e.dispose();
      }
    });

    it('an InvisibilityTimeout longer than a timer can wait renews leases at the longest delay, not every millisecond', async () => {
      const warnings: string[] = [];
      const onWarning = (warning: Error) => void warnings.push(`${warning.name}: ${warning.message}`);
      process.on('warning', onWarning);
      const started = new Set<string>(), aborted = new Set<string>(), runs = new Map<string, number>();
      const e = await testEngine(kind, (registry) => void registry.addHandler(Long, longHandler(started, aborted, runs))._unsafeUnwrap(), { InvisibilityTimeout: '100d' }, { retry: false });
      try {
        await e.startServer();
        const id = (await e.engine.client.enqueue(new Long(300)))._unsafeUnwrap();
        await e.waitForState(id, 'Succeeded', 20_000);
        // Node reports a timer it cannot honour on the next tick.
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(warnings.filter((w) => w.startsWith('TimeoutOverflowWarning')), []);
      } finally {
        process.off('warning', onWarning);
        await e.dispose();
      }
    });

    it('a job requeued while its deleted run still goes on runs again, and the new run is held to the end', async () => {
      // Run n waits for gate n and ignores its signal, as a handler that never reads it does.
      const gates = new Map<number, () => void>();
      const runs: number[] = [];
      const e = await testEngine(kind, (registry) => void registry.addHandler(Stubborn, {
        handle: () => new Promise<string>((resolve) => {
          const run = runs.push(runs.length + 1);
          gates.set(run, () => resolve(`run ${run}`));
        }),
      })._unsafeUnwrap(), { InvisibilityTimeout: '3s' }, { retry: false });
      try {
        await e.startServer({ WorkerCount: 2 });
        const id = (await e.engine.client.enqueue(new Stubborn()))._unsafeUnwrap();
        await eventually(async () => (gates.has(1) ? true : undefined), 'the first run to start');
        assert.equal((await e.engine.client.delete(id))._unsafeUnwrap(), true);
        assert.equal((await e.engine.client.requeue(id))._unsafeUnwrap(), true);
        await eventually(async () => (gates.has(2) ? true : undefined), 'the second run to start while the first goes on');
        gates.get(1)!();
        // The pool must go on renewing the second run's lease after the first run ended: a renewal (every
        // second) more than a second after that moment shows it (a lapsed lease would be fetched again: a third run).
        const firstEnded = (await e.t.sql<{ now: Date }>('SELECT now() AS now'))[0]!.now.getTime();
        await eventually(async () => {
          const [job] = await e.t.sql<{ state: string; visible_at: Date }>(`SELECT state, visible_at FROM "${e.t.storage.schema.name}".jobs WHERE id = $1`, [id]);
          return job?.state === 'Processing' && job.visible_at.getTime() > firstEnded + 4_000 ? true : undefined;
        }, 'the second run\'s lease to be renewed after the first run ended', 10_000);
        gates.get(2)!();
        await e.waitForState(id, 'Succeeded', 10_000);
        assert.deepEqual(runs, [1, 2], 'two runs: before the deletion and after the requeue');
        const history = (await e.t.storage.jobDetails(id))._unsafeUnwrap()!.history.map((h) => h.name);
        assert.deepEqual(history, ['Succeeded', 'Processing', 'Enqueued', 'Deleted', 'Processing', 'Enqueued']);
      } finally {
        for (const open of gates.values()) open();
        await e.dispose();
      }
    });
  });
}
