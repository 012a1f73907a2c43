import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Request } from '../../src/mediator/index.js';
import { STORAGE_KINDS, eventually } from '../support/test-storage.js';
import { testEngine } from './support.js';

class Step extends Request<string> {
  constructor(readonly name: string, readonly fail = false) {
    super();
  }
}

for (const kind of STORAGE_KINDS) {
  describe(`continuations (${kind})`, () => {
    it('a chain A, B, C runs in order', async () => {
      const order: string[] = [];
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Step, { handle: async (s: Step) => { order.push(s.name); return s.name; } })._unsafeUnwrap();
      }, {}, { retry: false });
      try {
        const client = e.engine.client;
        const a = (await client.enqueue(new Step('A')))._unsafeUnwrap();
        const b = (await client.continueWith(a, new Step('B')))._unsafeUnwrap();
        const c = (await client.continueWith(b, new Step('C')))._unsafeUnwrap();
        assert.equal((await e.t.storage.getState(c))._unsafeUnwrap(), 'Awaiting');
        await e.startServer();
        await e.waitForState(c, 'Succeeded');
        assert.deepEqual(order, ['A', 'B', 'C']);
      } finally {
        await e.dispose();
      }
    });

    it('each `on` option: succeeded, finished and deleted', async () => {
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Step, { handle: (s: Step) => { if (s.fail) throw new Error(`${s.name} failed`); return s.name; } })._unsafeUnwrap();
      }, {}, { retry: false });
      try {
        const client = e.engine.client;
        const good = (await client.enqueue(new Step('good')))._unsafeUnwrap();
        const bad = (await client.enqueue(new Step('bad', true)))._unsafeUnwrap();
        const doomed = (await client.schedule(new Step('doomed'), 3_600_000))._unsafeUnwrap();
        const afterGood = {
          succeeded: (await client.continueWith(good, new Step('g1'), { on: 'succeeded' }))._unsafeUnwrap(),
          finished: (await client.continueWith(good, new Step('g2'), { on: 'finished' }))._unsafeUnwrap(),
          deleted: (await client.continueWith(good, new Step('g3'), { on: 'deleted' }))._unsafeUnwrap(),
        };
        const afterBad = {
          succeeded: (await client.continueWith(bad, new Step('b1'), { on: 'succeeded' }))._unsafeUnwrap(),
          finished: (await client.continueWith(bad, new Step('b2'), { on: 'finished' }))._unsafeUnwrap(),
        };
        const afterDoomed = {
          succeeded: (await client.continueWith(doomed, new Step('d1'), { on: 'succeeded' }))._unsafeUnwrap(),
          deleted: (await client.continueWith(doomed, new Step('d2'), { on: 'deleted' }))._unsafeUnwrap(),
        };
        await e.startServer();
        assert.equal((await client.delete(doomed))._unsafeUnwrap(), true);
        await e.waitForState(afterGood.succeeded, 'Succeeded');
        await e.waitForState(afterGood.finished, 'Succeeded');
        await e.waitForState(afterGood.deleted, 'Deleted');
        await e.waitForState(afterBad.finished, 'Succeeded');
        await e.waitForState(afterDoomed.deleted, 'Succeeded');
        await e.waitForState(afterDoomed.succeeded, 'Deleted');
        assert.equal((await e.t.storage.getState(afterBad.succeeded))._unsafeUnwrap(), 'Awaiting', 'waits: the failed parent may be retried');
        // Retrying the failed parent by hand later releases it (as a success this time it still fails, so it keeps waiting).
        assert.equal((await client.requeue(bad))._unsafeUnwrap(), true);
      } finally {
        await e.dispose();
      }
    });

    it('apply-state filters hear of each continuation moved on: by the completion, by a deletion, by the client\'s check', async () => {
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Step, { handle: (s: Step) => s.name })._unsafeUnwrap();
      }, {}, { retry: false });
      const heard: string[] = [];
      const names = new Map<string, string>();
      e.engine.filters.add({
        onStateApplied: (c) => {
          if (c.oldState !== 'Awaiting') return;
          const queue = c.newState.to.name === 'Enqueued' ? ` on ${c.newState.to.queue ?? '?'}` : '';
          // Named afterwards: the client's check moves a late continuation before continueWith returns its id.
          heard.push(`${c.jobId} ${c.oldState}->${c.newState.to.name}${queue}: ${c.newState.reason ?? ''} (${JSON.stringify(c.newState.data)})`);
        },
      })._unsafeUnwrap();
      const named = (name: string, id: string) => (names.set(id, name), id);
      try {
        const client = e.engine.client;
        const parent = (await client.enqueue(new Step('parent')))._unsafeUnwrap();
        const doomed = (await client.schedule(new Step('doomed'), 3_600_000))._unsafeUnwrap();
        const next = named('next', (await client.continueWith(parent, new Step('next'), { queue: 'follow-up' }))._unsafeUnwrap());
        const skipped = named('skipped', (await client.continueWith(doomed, new Step('skipped'), { on: 'succeeded' }))._unsafeUnwrap());
        assert.equal(heard.length, 0, 'nothing moved yet');
        await e.startServer({ Queues: ['default', 'follow-up'] });
        await e.waitForState(next, 'Succeeded');
        assert.equal((await client.delete(doomed))._unsafeUnwrap(), true);
        await e.waitForState(skipped, 'Deleted');
        const late = named('late', (await client.continueWith(parent, new Step('late')))._unsafeUnwrap());
        await e.waitForState(late, 'Succeeded');
        await eventually(async () => (heard.length >= 3 ? true : undefined), 'the apply-state filters to hear of three continuations');
        assert.deepEqual(heard.map((line) => line.replace(/^\d+/, (id) => names.get(id) ?? id)), [
          `next Awaiting->Enqueued on follow-up: Parent job ${parent} Succeeded ({"parentId":"${parent}","parentState":"Succeeded"})`,
          `skipped Awaiting->Deleted: Parent job ${doomed} Deleted; the continuation option was not met ({"parentId":"${doomed}","parentState":"Deleted"})`,
          `late Awaiting->Enqueued on default: Parent job ${parent} Succeeded ({"parentId":"${parent}","parentState":"Succeeded"})`,
        ]);
      } finally {
        await e.dispose();
      }
    });

    it('a continuation of a job that already finished runs at once; an unknown parent is an error', async () => {
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Step, { handle: (s: Step) => s.name })._unsafeUnwrap();
      }, {}, { retry: false });
      try {
        await e.startServer();
        const parent = (await e.engine.client.enqueue(new Step('first')))._unsafeUnwrap();
        await e.waitForState(parent, 'Succeeded');
        const child = (await e.engine.client.continueWith(parent, new Step('late')))._unsafeUnwrap();
        await e.waitForState(child, 'Succeeded');
        const missing = (await e.engine.client.continueWith('987654321', new Step('orphan')))._unsafeUnwrapErr();
        assert.equal(missing.kind, 'JobNotFound');
        const invalid = (await e.engine.client.continueWith('not-an-id', new Step('orphan')))._unsafeUnwrapErr();
        assert.equal(invalid.kind, 'InvalidOptions');
      } finally {
        await e.dispose();
      }
    });
  });
}
