import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobFilter } from '../../src/filters/job-filter.js';
import { Request } from '../../src/mediator/index.js';
import { STORAGE_KINDS, eventually } from '../support/test-storage.js';
import { testEngine } from './support.js';

class Work extends Request<string> {
  constructor(readonly label: string) {
    super();
  }
}
class Other extends Request<string> {}

for (const kind of STORAGE_KINDS) {
  describe(`job filters (${kind})`, () => {
    it('run in registration order around creation, performance and state changes', async () => {
      const calls: string[] = [];
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Work, { handle: (r: Work) => (calls.push(`handler ${r.label}`), r.label) })._unsafeUnwrap();
      }, {}, { retry: false });
      const named = (name: string): JobFilter => ({
        onCreating: (c) => void calls.push(`${name}.onCreating ${c.invocation.typeName}`),
        onCreated: (c) => void calls.push(`${name}.onCreated ${c.jobId === '' ? '?' : 'id'}`),
        onPerforming: () => void calls.push(`${name}.onPerforming`),
        onPerformed: (c) => void calls.push(`${name}.onPerformed ${c.result.ok ? 'ok' : 'failed'}`),
        onStateElection: (c) => void calls.push(`${name}.onStateElection ${c.candidate.to.name}`),
        onStateApplied: (c) => void calls.push(`${name}.onStateApplied ${c.oldState}->${c.newState.to.name}`),
      });
      e.engine.filters.add(named('first'))._unsafeUnwrap();
      e.engine.filters.add(named('second'), { for: Work })._unsafeUnwrap();
      e.engine.filters.add(named('not-for-work'), { for: Other })._unsafeUnwrap();
      try {
        const id = (await e.engine.client.enqueue(new Work('x')))._unsafeUnwrap();
        assert.deepEqual(calls, ['first.onCreating Work', 'second.onCreating Work', 'first.onCreated id', 'second.onCreated id']);
        calls.length = 0;
        await e.startServer();
        await e.waitForState(id, 'Succeeded');
        // Apply-state filters run after the state is committed, so they may trail the state by a moment.
        await eventually(async () => (calls.length >= 9 ? true : undefined), 'the apply-state filters to run');
        assert.deepEqual(calls, [
          'first.onPerforming', 'second.onPerforming', 'handler x', 'first.onPerformed ok', 'second.onPerformed ok',
          'first.onStateElection Succeeded', 'second.onStateElection Succeeded',
          'first.onStateApplied Processing->Succeeded', 'second.onStateApplied Processing->Succeeded',
        ]);
        // Enqueued while a worker idles in this process: with onCreated filters, the job is not claimed by the
        // creating statement (which would start it before onCreated); it goes the usual way, notification and fetch.
        calls.length = 0;
        const next = (await e.engine.client.enqueue(new Work('y')))._unsafeUnwrap();
        await e.waitForState(next, 'Succeeded');
        assert.ok(calls.includes('second.onCreated id'), `onCreated ran: ${calls.join(', ')}`);
        const processing = (await e.t.storage.jobDetails(next))._unsafeUnwrap()!.history.find((h) => h.name === 'Processing');
        assert.equal(processing?.data?.onEnqueue, undefined, 'fetched, not claimed as it was created');
      } finally {
        await e.dispose();
      }
    });

    it('an elect-state filter can change the elected state; a client filter can cancel; a server filter can skip', async () => {
      const ran: string[] = [];
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Work, { handle: (r: Work) => (ran.push(r.label), r.label) })._unsafeUnwrap();
      }, {}, { retry: false });
      e.engine.filters.add({
        onCreating: (c) => {
          if ((c.job as Work).label === 'refused') c.cancel('not today');
          // Without a reason (a JavaScript caller): still a cancel.
          if ((c.job as Work).label === 'refused quietly') (c.cancel as () => void)();
          c.parameters.set('tenant', 'acme');
        },
        onPerforming: (c) => {
          if (c.job.kind === 'request' && (c.job.request as Work).label === 'skipped') c.cancel('maintenance window');
          if (c.job.kind === 'request' && (c.job.request as Work).label === 'skipped quietly') (c.cancel as () => void)();
        },
        onStateElection: (c) => {
          if (c.candidate.to.name === 'Succeeded') c.candidate = { to: { name: 'Deleted' }, reason: 'kept nothing: audit filter' };
        },
      })._unsafeUnwrap();
      try {
        const refused = (await e.engine.client.enqueue(new Work('refused')))._unsafeUnwrapErr();
        assert.equal(refused.kind, 'CreationCanceled');
        const quietly = (await e.engine.client.enqueue(new Work('refused quietly')))._unsafeUnwrapErr();
        assert.deepEqual([quietly.kind, 'reason' in quietly ? quietly.reason : ''], ['CreationCanceled', 'canceled by a client filter']);
        assert.equal((await e.t.storage.stateCounts())._unsafeUnwrap().Enqueued, 0, 'nothing was stored');
        const kept = (await e.engine.client.enqueue(new Work('kept')))._unsafeUnwrap();
        const skipped = (await e.engine.client.enqueue(new Work('skipped')))._unsafeUnwrap();
        const skippedQuietly = (await e.engine.client.enqueue(new Work('skipped quietly')))._unsafeUnwrap();
        await e.startServer();
        await e.waitForState(kept, 'Deleted');
        await e.waitForState(skipped, 'Deleted');
        await e.waitForState(skippedQuietly, 'Deleted');
        assert.match((await e.t.storage.jobDetails(skippedQuietly))._unsafeUnwrap()!.history[0]!.reason ?? '', /canceled by a server filter/);
        assert.deepEqual(ran, ['kept']);
        assert.equal((await e.t.storage.getParameter(kept, 'tenant'))._unsafeUnwrap(), 'acme');
        assert.match((await e.t.storage.jobDetails(kept))._unsafeUnwrap()!.history[0]!.reason ?? '', /audit filter/);
        assert.match((await e.t.storage.jobDetails(skipped))._unsafeUnwrap()!.history[0]!.reason ?? '', /maintenance window/);
      } finally {
        await e.dispose();
      }
    });

    it('a due Scheduled job moves on through the state machine: elect-state filters may redirect it, apply-state filters hear of it', async () => {
      const ran: string[] = [];
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Work, { handle: (r: Work) => (ran.push(r.label), r.label) })._unsafeUnwrap();
      }, {}, { retry: false });
      const labels = new Map<string, string>();
      const elected: string[] = [];
      const applied: string[] = [];
      e.engine.filters.add({
        onStateElection: (c) => {
          if (c.currentState !== 'Scheduled') return;
          const label = labels.get(c.jobId) ?? '?';
          elected.push(`${label} ${c.candidate.to.name} from ${c.queue}`);
          if (label === 'urgent') c.candidate = { to: { name: 'Enqueued', queue: 'critical' }, reason: 'urgent work skips the line' };
          if (label === 'withdrawn') c.candidate = { to: { name: 'Deleted' }, reason: 'withdrawn before its time' };
        },
        onStateApplied: (c) => {
          if (c.oldState === 'Scheduled') applied.push(`${labels.get(c.jobId) ?? '?'} ${c.oldState}->${c.newState.to.name}`);
        },
      })._unsafeUnwrap();
      try {
        const ids: string[] = [];
        for (const label of ['plain', 'urgent', 'withdrawn']) {
          const id = (await e.engine.client.schedule(new Work(label), 50))._unsafeUnwrap();
          labels.set(id, label);
          ids.push(id);
          assert.equal((await e.t.storage.getState(id))._unsafeUnwrap(), 'Scheduled');
        }
        const [plain, urgent, withdrawn] = ids as [string, string, string];
        await e.startServer({ Queues: ['critical', 'default'] });
        await e.waitForState(plain, 'Succeeded');
        await e.waitForState(urgent, 'Succeeded');
        await e.waitForState(withdrawn, 'Deleted');
        await eventually(async () => (applied.length >= 3 ? true : undefined), 'the apply-state filters to run');
        assert.deepEqual(applied.sort(), ['plain Scheduled->Enqueued', 'urgent Scheduled->Enqueued', 'withdrawn Scheduled->Deleted']);
        assert.deepEqual(elected.sort(), ['plain Enqueued from default', 'urgent Enqueued from default', 'withdrawn Enqueued from default']);
        assert.deepEqual(ran.sort(), ['plain', 'urgent']);
        const urgentDetails = (await e.t.storage.jobDetails(urgent))._unsafeUnwrap()!;
        assert.equal(urgentDetails.queue, 'critical');
        assert.deepEqual(urgentDetails.history.slice(-2).map((h) => h.name), ['Enqueued', 'Scheduled']);
        assert.equal(urgentDetails.history.at(-2)!.reason, 'urgent work skips the line');
        const plainHistory = (await e.t.storage.jobDetails(plain))._unsafeUnwrap()!.history;
        assert.deepEqual(plainHistory.slice(-2).map((h) => [h.name, h.reason]), [['Enqueued', 'Scheduled time reached'], ['Scheduled', plainHistory.at(-1)!.reason]]);
        assert.match((await e.t.storage.jobDetails(withdrawn))._unsafeUnwrap()!.history[0]!.reason ?? '', /withdrawn before its time/);
      } finally {
        await e.dispose();
      }
    });

    it('servers that read the same due jobs move each once: one history entry, one apply-state call', async () => {
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Work, { handle: (r: Work) => r.label })._unsafeUnwrap();
      }, {}, { retry: false });
      const applied = new Map<string, number>();
      e.engine.filters.add({
        onStateApplied: (c) => {
          if (c.oldState === 'Scheduled') applied.set(c.jobId, (applied.get(c.jobId) ?? 0) + 1);
        },
      })._unsafeUnwrap();
      try {
        const ids = (await Promise.all(Array.from({ length: 60 }, (_, n) => e.engine.client.schedule(new Work(`due ${n}`), 50)))).map((id) => id._unsafeUnwrap());
        await Promise.all([e.startServer(), e.startServer(), e.startServer()]);
        for (const id of ids) await e.waitForState(id, 'Succeeded');
        await eventually(async () => (applied.size >= ids.length ? true : undefined), 'the apply-state filters to run');
        assert.deepEqual([...new Set(applied.values())], [1], 'each job was moved once');
        for (const id of ids) {
          const history = (await e.t.storage.jobDetails(id))._unsafeUnwrap()!.history;
          assert.deepEqual(history.map((h) => h.name), ['Succeeded', 'Processing', 'Enqueued', 'Scheduled'], `history of ${id}`);
        }
      } finally {
        await e.dispose();
      }
    });

    it('elect-state filters that return promises are awaited in order; one that rejects is logged and skipped', async () => {
      const calls: string[] = [];
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Work, { handle: (r: Work) => r.label })._unsafeUnwrap();
      }, {}, { retry: false });
      e.engine.filters.add({ onStateElection: (c) => void calls.push(`sync first saw ${c.candidate.to.name}`) })._unsafeUnwrap();
      e.engine.filters.add({
        onStateElection: async (c) => {
          await new Promise((resolve) => setImmediate(resolve));
          calls.push(`async saw ${c.candidate.to.name}`);
          c.candidate = { to: { name: 'Deleted' }, reason: 'decided after a turn of the event loop' };
        },
      })._unsafeUnwrap();
      e.engine.filters.add({ onStateElection: () => Promise.reject(new Error('async election filter broke')) })._unsafeUnwrap();
      e.engine.filters.add({ onStateElection: (c) => void calls.push(`sync last saw ${c.candidate.to.name}`) })._unsafeUnwrap();
      try {
        const id = (await e.engine.client.enqueue(new Work('x')))._unsafeUnwrap();
        await e.startServer();
        await e.waitForState(id, 'Deleted');
        assert.deepEqual(calls, ['sync first saw Succeeded', 'async saw Succeeded', 'sync last saw Deleted']);
        const [latest] = (await e.t.storage.jobDetails(id))._unsafeUnwrap()!.history;
        assert.deepEqual([latest?.name, latest?.reason], ['Deleted', 'decided after a turn of the event loop']);
        assert.ok(e.logger.errors().some((m) => m.includes('async election filter broke')));
      } finally {
        await e.dispose();
      }
    });

    it('a state its filters made unstorable fails only that job, and it ends Failed instead of running forever', async () => {
      // One worker's bad outcome must not sink the outcomes batched with it (the completion path writes many jobs per statement).
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Work, { handle: (r: Work) => r.label })._unsafeUnwrap();
      }, { WorkerCount: 8 }, { retry: false });
      let poisoned = '';
      e.engine.filters.add({
        onStateElection: (c) => {
          // A BigInt cannot be stored as JSON: what a careless filter might put in the history.
          if (c.candidate.reason === 'Completed' && c.jobId === poisoned) c.candidate = { ...c.candidate, data: { big: 10n as unknown as number } };
        },
      })._unsafeUnwrap();
      try {
        const labels = Array.from({ length: 40 }, (_, i) => `job ${i}`);
        const ids = (await e.engine.client.enqueueBatch(labels.map((label) => new Work(label))))._unsafeUnwrap();
        poisoned = ids[20]!;
        await e.startServer();
        await e.waitForState(poisoned, 'Failed');
        for (const id of ids.filter((id) => id !== poisoned)) {
          await e.waitForState(id, 'Succeeded');
          assert.equal((await e.t.storage.jobDetails(id))._unsafeUnwrap()!.fetchCount, 1, `job ${id} ran once: its outcome was not lost with the poisoned one`);
        }
        const history = (await e.t.storage.jobDetails(poisoned))._unsafeUnwrap()!.history;
        assert.deepEqual(history.map((h) => h.name), ['Failed', 'Processing', 'Enqueued'], 'ran once, then Failed');
        assert.match(history[0]!.reason ?? '', /could not be stored/);
        assert.equal(history[0]!.data?.electedState, 'Succeeded');
        assert.ok(e.logger.errors().some((m) => m.includes(`job ${poisoned}`) && m.includes('could not be stored')));
      } finally {
        await e.dispose();
      }
    });

    it('a candidate that is not a state is logged and ignored: the job runs once, delete and requeue answer, a due job moves on', async () => {
      let runs = 0;
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Work, { handle: (r: Work) => (runs++, r.label) })._unsafeUnwrap();
      }, {}, { retry: false });
      e.engine.filters.add({
        // The slip: the state's name where its `to` belongs, synchronously and from a promise.
        onStateElection: (c) => {
          const name = c.candidate.to.name;
          if (name === 'Succeeded' || name === 'Deleted') c.candidate = { name: 'Deleted', reason: 'filtered' } as never;
          if (name !== 'Enqueued') return undefined;
          return Promise.resolve().then(() => void (c.candidate = { to: 'Deleted' } as never));
        },
      })._unsafeUnwrap();
      try {
        const scheduled = (await e.engine.client.schedule(new Work('later'), 0))._unsafeUnwrap();
        await e.startServer();
        const id = (await e.engine.client.enqueue(new Work('now')))._unsafeUnwrap();
        await e.waitForState(id, 'Succeeded');
        await e.waitForState(scheduled, 'Succeeded');
        assert.equal(runs, 2, 'each job ran once');
        assert.equal((await e.engine.client.delete(id))._unsafeUnwrap(), true);
        assert.equal((await e.t.storage.getState(id))._unsafeUnwrap(), 'Deleted');
        assert.equal((await e.engine.client.requeue(id))._unsafeUnwrap(), true);
        const errors = e.logger.errors();
        assert.ok(errors.some((m) => m.includes(`candidate for job ${id} that is not a state ({"name":"Deleted","reason":"filtered"})`)), `logged: ${errors.join(' | ')}`);
        assert.ok(errors.some((m) => m.includes(`candidate for job ${scheduled} that is not a state ({"to":"Deleted"})`)), `logged: ${errors.join(' | ')}`);
      } finally {
        await e.dispose();
      }
    });

    it('a throwing filter never stops the worker', async () => {
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Work, { handle: (r: Work) => r.label })._unsafeUnwrap();
      }, {}, { retry: false });
      e.engine.filters.add({
        onPerforming: () => { throw new Error('performing filter broke'); },
        onPerformed: () => { throw new Error('performed filter broke'); },
        onStateElection: () => { throw new Error('election filter broke'); },
        onStateApplied: () => { throw new Error('apply filter broke'); },
      })._unsafeUnwrap();
      try {
        await e.startServer();
        const ids = (await e.engine.client.enqueueBatch([new Work('a'), new Work('b')]))._unsafeUnwrap();
        for (const id of ids) await e.waitForState(id, 'Succeeded');
        assert.ok(e.logger.errors().some((m) => m.includes('election filter broke')));
        assert.ok(e.logger.errors().some((m) => m.includes('apply filter broke')));
      } finally {
        await e.dispose();
      }
    });
  });
}
