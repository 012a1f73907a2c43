/** Job events through LISTEN/NOTIFY: Enqueued wakes workers, Finished wakes whoever awaits a job. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStorage } from '../../../src/storage/open-storage.js';
import { FINISHED_IDS_PER_PAYLOAD } from '../../../src/storage/sql/job-event-payloads.js';
import type { StorageKind } from '../../support/test-storage.js';
import { createEach, fetchOk, isEnqueued, isFinished, newJob, promoteDue, recordEvents, succeed, withStorage } from './support.js';

export function notificationContract(kind: StorageKind): void {
  describe(`notifications (${kind})`, () => {
    it('announces a created job as Enqueued in its queue, once per queue of a batch', () =>
      withStorage(kind, async ({ storage }) => {
        const recorder = await recordEvents(storage);
        (await storage.createJobs([newJob({ queue: 'mail' }), newJob({ queue: 'mail' }), newJob({ queue: 'sms' })]))._unsafeUnwrap();
        (await storage.createJob(newJob({ queue: 'later', state: { name: 'Scheduled', runAt: new Date(Date.now() + 60_000) } })))._unsafeUnwrap();
        (await storage.createJob(newJob({ queue: 'marker' })))._unsafeUnwrap();
        await recorder.waitFor(isEnqueued('marker'), 'the marker job');
        assert.deepEqual(recorder.events.at(-1), { kind: 'Enqueued', queue: 'marker' });
        const before = recorder.events.slice(0, -1).map((e) => (e.kind === 'Enqueued' ? e.queue : e.kind));
        assert.deepEqual(before.sort(), ['mail', 'sms'], 'one event per queue; none for a Scheduled job');
        await recorder.stop();
      }));

    it('announces Finished with the final state: Succeeded, Failed or Deleted', () =>
      withStorage(kind, async ({ storage }) => {
        const [ok, failed, deleted] = await createEach(storage, 3);
        const recorder = await recordEvents(storage);
        const [a, b] = await fetchOk(storage, { limit: 2 });
        assert.equal(await succeed(storage, a!), true);
        assert.equal((await storage.changeState({ jobId: failed!, from: ['Processing'], lease: b!.lease, to: { name: 'Failed' } }))._unsafeUnwrap(), true);
        assert.equal((await storage.changeState({ jobId: deleted!, from: ['Enqueued'], to: { name: 'Deleted' } }))._unsafeUnwrap(), true);
        await recorder.waitFor(isFinished(ok!, 'Succeeded'), 'Succeeded');
        await recorder.waitFor(isFinished(failed!, 'Failed'), 'Failed');
        await recorder.waitFor(isFinished(deleted!, 'Deleted'), 'Deleted');
        assert.equal(recorder.events.filter((e) => e.kind === 'Finished').length, 3);
        await recorder.stop();
      }));

    it('announces every job of a large finishing batch, grouped into few notifications', () =>
      withStorage(kind, async ({ storage }) => {
        const total = FINISHED_IDS_PER_PAYLOAD * 2 + 7;
        const ids = await createEach(storage, total);
        const fetched = await fetchOk(storage, { limit: total });
        const recorder = await recordEvents(storage);
        const applied = (await storage.changeStates(fetched.map((job) => ({ jobId: job.id, from: ['Processing'], lease: job.lease, to: { name: 'Succeeded' } }))))._unsafeUnwrap();
        assert.equal(applied.filter(Boolean).length, total);
        for (const id of ids) await recorder.waitFor(isFinished(id, 'Succeeded'), `Finished(${id})`);
        assert.equal(recorder.events.filter((e) => e.kind === 'Finished').length, total, 'each job announced once');
        await recorder.stop();
      }));

    it('announces jobs that become fetchable again: promotion, requeue, release and the watchdog', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        (await storage.createJobs([newJob({ queue: 'promoted', state: { name: 'Scheduled', runAt: new Date(Date.now() - 1_000) } })]))._unsafeUnwrap();
        const [requeued] = await createEach(storage, 1, { queue: 'requeued' });
        await createEach(storage, 1, { queue: 'released' });
        const [orphaned] = await createEach(storage, 1, { queue: 'orphaned' });
        assert.equal((await storage.changeState({ jobId: requeued!, from: ['Enqueued'], to: { name: 'Failed' } }))._unsafeUnwrap(), true);
        const [held] = await fetchOk(storage, { queues: ['released'] });
        (await storage.announceServer({ name: 'gone', workerCount: 1, queues: ['orphaned'] }))._unsafeUnwrap();
        await fetchOk(storage, { queues: ['orphaned'], owner: 'gone' });
        await t.sql(`UPDATE ${storage.schema.quoted}.servers SET heartbeat_at = now() - interval '1 hour'`);
        const recorder = await recordEvents(storage);

        assert.equal(await promoteDue(storage), 1);
        assert.equal((await storage.changeState({ jobId: requeued!, from: ['Failed'], to: { name: 'Enqueued' } }))._unsafeUnwrap(), true);
        (await storage.releaseJobs([held!.lease], 'stopping'))._unsafeUnwrap();
        assert.deepEqual((await storage.removeDeadServers(1_000))._unsafeUnwrap().releasedJobs, [orphaned]);
        for (const queue of ['promoted', 'requeued', 'released', 'orphaned']) await recorder.waitFor(isEnqueued(queue), `Enqueued(${queue})`);
        await recorder.stop();
      }));

    it('announces both events when a queue is named like a job id finishing in the same batch', () =>
      withStorage(kind, async ({ storage }) => {
        const [waiting] = await createEach(storage, 1, { queue: 'other' });
        const [held] = await fetchOk(storage, { queues: ['other'] });
        const [finishing] = await createEach(storage, 1);
        const recorder = await recordEvents(storage);
        // The requeued job goes to a queue whose name is the finishing job's id.
        const applied = (await storage.changeStates([
          { jobId: waiting!, from: ['Processing'], lease: held!.lease, to: { name: 'Enqueued', queue: finishing! } },
          { jobId: finishing!, from: ['Enqueued'], to: { name: 'Deleted' } },
        ]))._unsafeUnwrap();
        assert.deepEqual(applied, [true, true]);
        await recorder.waitFor(isFinished(finishing!, 'Deleted'), 'Finished of the deleted job');
        await recorder.waitFor(isEnqueued(finishing!), 'Enqueued in the queue named like its id');
        await recorder.stop();
      }));

    it('stops delivering to a subscriber that unsubscribed, and keeps delivering to the others', () =>
      withStorage(kind, async ({ storage }) => {
        const leaving = await recordEvents(storage);
        const staying = await recordEvents(storage);
        (await storage.createJob(newJob({ queue: 'before' })))._unsafeUnwrap();
        await leaving.waitFor(isEnqueued('before'), 'the first event, on the leaving subscriber');
        await staying.waitFor(isEnqueued('before'), 'the first event, on the staying subscriber');
        await leaving.stop();
        (await storage.createJob(newJob({ queue: 'after' })))._unsafeUnwrap();
        await staying.waitFor(isEnqueued('after'), 'the second event');
        assert.deepEqual(leaving.events, [{ kind: 'Enqueued', queue: 'before' }]);
        const again = await recordEvents(storage);
        (await storage.createJob(newJob({ queue: 'resubscribed' })))._unsafeUnwrap();
        await again.waitFor(isEnqueued('resubscribed'), 'an event after subscribing again');
        await again.stop();
        await staying.stop();
      }));

    it('stops delivering to the subscribers of a closed storage', () =>
      withStorage(kind, async ({ storage, options }) => {
        const closing = (await openStorage(options))._unsafeUnwrap().storage;
        const deaf = await recordEvents(closing);
        const live = await recordEvents(storage);
        (await storage.createJob(newJob({ queue: 'before' })))._unsafeUnwrap();
        await deaf.waitFor(isEnqueued('before'), 'an event before closing');
        (await closing.close())._unsafeUnwrap();
        (await storage.createJob(newJob({ queue: 'after' })))._unsafeUnwrap();
        await live.waitFor(isEnqueued('after'), 'an event after closing');
        assert.deepEqual(deaf.events, [{ kind: 'Enqueued', queue: 'before' }]);
        await live.stop();
      }));

    it('tells its close listeners once, in the close call, and refuses subscriptions after', () => {
      const warnings: string[] = [];
      return withStorage(kind, async ({ storage, options }) => {
        const closing = (await openStorage(options))._unsafeUnwrap().storage;
        const told: string[] = [];
        closing.onClosed(() => told.push('first'));
        const forget = closing.onClosed(() => told.push('removed'));
        forget();
        closing.onClosed(() => {
          throw new Error('a listener that throws does not stop the close');
        });
        closing.onClosed(() => told.push('after a throwing one'));
        const closed = closing.close();
        assert.deepEqual(told, ['first', 'after a throwing one'], 'told within the close call, before it resolves');
        (await closed)._unsafeUnwrap();
        (await closing.close())._unsafeUnwrap();
        closing.onClosed(() => told.push('late'));
        assert.deepEqual(told, ['first', 'after a throwing one', 'late'], 'told once; a listener added later is told at once');
        const refused = (await closing.subscribe(() => undefined))._unsafeUnwrapErr();
        assert.equal(refused.kind, 'Closed');
        assert.deepEqual(warnings, ['a listener of the storage closing threw']);
        // The other storage on the schema is untouched.
        (await storage.createJob(newJob()))._unsafeUnwrap();
      }, { onWarning: (message) => void warnings.push(message) });
    });

    for (const [what, schemaName] of [
      ['letters in both cases', `Mixed_Case_${Date.now().toString(36)}`],
      ['the longest allowed name', `l${Date.now().toString(36)}`.padEnd(63, '_x')],
    ] as const) {
      it(`delivers events for a schema name with ${what}`, () =>
        withStorage(
          kind,
          async ({ storage }) => {
            const recorder = await recordEvents(storage);
            const id = (await storage.createJob(newJob({ queue: 'q' })))._unsafeUnwrap();
            await recorder.waitFor(isEnqueued('q'), `Enqueued on schema ${schemaName}`);
            assert.equal((await storage.changeState({ jobId: id, from: ['Enqueued'], to: { name: 'Deleted' } }))._unsafeUnwrap(), true);
            await recorder.waitFor(isFinished(id, 'Deleted'), `Finished on schema ${schemaName}`);
            await recorder.stop();
          },
          { schemaName },
        ));
    }

    it('keeps the events of schemas apart, even long names that share a prefix', () =>
      withStorage(
        kind,
        async ({ storage: first, options }) => {
          const secondName = `${options.schemaName!.slice(0, 62)}2`;
          await withStorage(
            kind,
            async ({ storage: second }) => {
              const hearsFirst = await recordEvents(first);
              const hearsSecond = await recordEvents(second);
              (await first.createJob(newJob({ queue: 'first-only' })))._unsafeUnwrap();
              (await second.createJob(newJob({ queue: 'second-only' })))._unsafeUnwrap();
              (await first.createJob(newJob({ queue: 'first-marker' })))._unsafeUnwrap();
              (await second.createJob(newJob({ queue: 'second-marker' })))._unsafeUnwrap();
              await hearsFirst.waitFor(isEnqueued('first-marker'), 'the first schema marker');
              await hearsSecond.waitFor(isEnqueued('second-marker'), 'the second schema marker');
              assert.deepEqual(hearsFirst.events.map((e) => e.kind === 'Enqueued' && e.queue), ['first-only', 'first-marker']);
              assert.deepEqual(hearsSecond.events.map((e) => e.kind === 'Enqueued' && e.queue), ['second-only', 'second-marker']);
              await hearsFirst.stop();
              await hearsSecond.stop();
            },
            { schemaName: secondName },
          );
        },
        { schemaName: `p${Date.now().toString(36)}`.padEnd(62, '_y') + '1' },
      ));
  });
}
