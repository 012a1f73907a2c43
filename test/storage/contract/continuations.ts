/** Continuations released by their parent's outcome, and the engine's history and retry bookkeeping. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobStorage, ReleasedContinuation } from '../../../src/storage/job-storage.js';
import type { ContinuationOption, JobId, StateName } from '../../../src/storage/job-types.js';
import type { StorageKind } from '../../support/test-storage.js';
import { fetchOk, newJob, promoteDue, stateOf, withStorage } from './support.js';

/** Creates a parent, one continuation per option, and finishes the parent in `outcome`. */
async function parentWithContinuations(storage: JobStorage, outcome: 'Succeeded' | 'Failed' | 'Deleted') {
  const parent = (await storage.createJob(newJob()))._unsafeUnwrap();
  const options: ContinuationOption[] = ['succeeded', 'finished', 'deleted'];
  const children = (await storage.createJobs(options.map((on) => newJob({ state: { name: 'Awaiting', parentId: parent, on } }))))._unsafeUnwrap();
  const [job] = await fetchOk(storage);
  assert.equal(job?.id, parent);
  (await storage.changeState({ jobId: parent, from: ['Processing'], lease: job.lease, to: { name: outcome } }))._unsafeUnwrap();
  return { parent, children: Object.fromEntries(options.map((on, i) => [on, children[i]!])) as Record<ContinuationOption, JobId> };
}

async function statesOf(storage: JobStorage, ids: Record<ContinuationOption, JobId>): Promise<Record<ContinuationOption, StateName | undefined>> {
  return { succeeded: await stateOf(storage, ids.succeeded), finished: await stateOf(storage, ids.finished), deleted: await stateOf(storage, ids.deleted) };
}

/** A whole pass of the sweep, step by step; the ids it released, in order. */
async function sweepAll(storage: JobStorage, limit?: number): Promise<JobId[]> {
  const released: JobId[] = [];
  let after: JobId | undefined;
  for (let step = 0; step < 1_000; step++) {
    const swept = (await storage.sweepContinuations(after, limit))._unsafeUnwrap();
    released.push(...swept.released);
    if (swept.next === undefined) return released;
    after = swept.next;
  }
  throw new Error('the sweep never came back to the start');
}

export function continuationContract(kind: StorageKind): void {
  describe(`continuations and retry bookkeeping (${kind})`, () => {
    it('waits in Awaiting while the parent runs', () =>
      withStorage(kind, async ({ storage }) => {
        const parent = (await storage.createJob(newJob()))._unsafeUnwrap();
        const child = (await storage.createJob(newJob({ state: { name: 'Awaiting', parentId: parent, on: 'succeeded' } })))._unsafeUnwrap();
        assert.deepEqual((await storage.releaseContinuations([parent]))._unsafeUnwrap(), []);
        assert.equal(await stateOf(storage, child), 'Awaiting');
      }));

    it('parent Succeeded: succeeded and finished run, deleted is deleted, by the same statement', () =>
      withStorage(kind, async ({ storage }) => {
        const { parent, children } = await parentWithContinuations(storage, 'Succeeded');
        assert.deepEqual((await storage.releaseContinuations([parent]))._unsafeUnwrap(), [], 'nothing left to release');
        assert.deepEqual(await statesOf(storage, children), { succeeded: 'Enqueued', finished: 'Enqueued', deleted: 'Deleted' });
        const history = (await storage.jobDetails(children.deleted))._unsafeUnwrap()!.history;
        assert.match(history[0]!.reason ?? '', /Succeeded; the continuation option was not met/);
      }));

    it('parent Deleted: deleted and finished run, succeeded is deleted', () =>
      withStorage(kind, async ({ storage }) => {
        const { children } = await parentWithContinuations(storage, 'Deleted');
        assert.deepEqual(await statesOf(storage, children), { succeeded: 'Deleted', finished: 'Enqueued', deleted: 'Enqueued' });
      }));

    it('parent Failed: only finished runs; the others wait, since the parent may be retried', () =>
      withStorage(kind, async ({ storage }) => {
        const { children } = await parentWithContinuations(storage, 'Failed');
        assert.deepEqual(await sweepAll(storage), [], 'the sweep leaves them waiting too');
        assert.deepEqual(await statesOf(storage, children), { succeeded: 'Awaiting', finished: 'Enqueued', deleted: 'Awaiting' });
      }));

    it('releasing by parent and the sweep catch a parent that finished without releasing (a process died), once', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const parents = (await storage.createJobs([newJob(), newJob()]))._unsafeUnwrap();
        const children = (await storage.createJobs(parents.map((parentId) => newJob({ state: { name: 'Awaiting', parentId, on: 'succeeded' } }))))._unsafeUnwrap();
        // Finished behind the storage's back, as if the releasing statement never ran.
        await t.sql(`UPDATE ${storage.schema.quoted}.jobs SET state = 'Succeeded', visible_at = NULL WHERE id = ANY ($1::bigint[])`, [parents]);
        assert.deepEqual((await storage.releaseContinuations([parents[0]!]))._unsafeUnwrap(), [children[0]]);
        assert.deepEqual(await sweepAll(storage), [children[1]]);
        assert.deepEqual(await sweepAll(storage), []);
        for (const child of children) assert.equal(await stateOf(storage, child), 'Enqueued');
      }));

    it('the sweep goes step by step, each reading at most its limit, and releases every stuck continuation once', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const parents = (await storage.createJobs([newJob(), newJob(), newJob(), newJob(), newJob()]))._unsafeUnwrap();
        const children = (await storage.createJobs(parents.map((parentId) => newJob({ state: { name: 'Awaiting', parentId, on: 'succeeded' } }))))._unsafeUnwrap();
        // Parents 0, 2, 3 and 4 finished behind the storage's back; parent 1 still waits to run.
        const finished = [parents[0]!, parents[2]!, parents[3]!, parents[4]!];
        await t.sql(`UPDATE ${storage.schema.quoted}.jobs SET state = 'Succeeded', visible_at = NULL WHERE id = ANY ($1::bigint[])`, [finished]);

        const first = (await storage.sweepContinuations(undefined, 2))._unsafeUnwrap();
        assert.deepEqual(first, { released: [children[0]], next: children[1] }, 'read children 0 and 1, released 0');
        const second = (await storage.sweepContinuations(first.next, 2))._unsafeUnwrap();
        assert.deepEqual(second, { released: [children[2], children[3]], next: children[3] });
        const third = (await storage.sweepContinuations(second.next, 2))._unsafeUnwrap();
        assert.deepEqual(third, { released: [children[4]], next: undefined }, 'read one of two: the end, so the next step starts over');
        assert.deepEqual(await sweepAll(storage, 2), [], 'a second pass finds nothing');
        assert.equal(await stateOf(storage, children[1]!), 'Awaiting');

        assert.equal((await storage.sweepContinuations('not-an-id'))._unsafeUnwrapErr().kind, 'InvalidInput');
      }));

    it('tells its release listeners what each statement moved on: the completion, the check by parent, the sweep', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const heard: (readonly ReleasedContinuation[])[] = [];
        const stop = storage.onContinuationsReleased((released) => heard.push(released));
        const { parent, children } = await parentWithContinuations(storage, 'Succeeded');
        const completion = { typeName: 'Ping', methodName: undefined, queue: 'default', retryCount: 0, parentId: parent, parentState: 'Succeeded' };
        assert.deepEqual(heard, [[
          { ...completion, jobId: children.succeeded, state: 'Enqueued', reason: `Parent job ${parent} Succeeded` },
          { ...completion, jobId: children.finished, state: 'Enqueued', reason: `Parent job ${parent} Succeeded` },
          { ...completion, jobId: children.deleted, state: 'Deleted', reason: `Parent job ${parent} Succeeded; the continuation option was not met` },
        ]], 'one report for the completion statement');

        const late = (await storage.createJob(newJob({ queue: 'late', typeName: 'Late', state: { name: 'Awaiting', parentId: parent, on: 'succeeded' } })))._unsafeUnwrap();
        assert.deepEqual((await storage.releaseContinuations([parent]))._unsafeUnwrap(), [late]);
        assert.deepEqual(heard[1], [{ ...completion, typeName: 'Late', queue: 'late', jobId: late, state: 'Enqueued', reason: `Parent job ${parent} Succeeded` }]);

        const orphan = (await storage.createJob(newJob({ state: { name: 'Awaiting', parentId: parent, on: 'finished' } })))._unsafeUnwrap();
        await t.sql(`DELETE FROM ${storage.schema.quoted}.jobs WHERE id = $1`, [parent]);
        assert.deepEqual(await sweepAll(storage), [orphan]);
        assert.deepEqual(heard[2], [{ ...completion, parentState: undefined, jobId: orphan, state: 'Enqueued', reason: `Parent job ${parent} no longer exists` }]);

        assert.deepEqual(await sweepAll(storage), []);
        stop();
        assert.equal(heard.length, 3, 'statements that move nothing report nothing');
      }));

    it('a continuation whose parent no longer exists runs only on finished', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const parent = (await storage.createJob(newJob()))._unsafeUnwrap();
        const onSuccess = (await storage.createJob(newJob({ state: { name: 'Awaiting', parentId: parent, on: 'succeeded' } })))._unsafeUnwrap();
        const onFinish = (await storage.createJob(newJob({ state: { name: 'Awaiting', parentId: parent, on: 'finished' } })))._unsafeUnwrap();
        await t.sql(`DELETE FROM ${storage.schema.quoted}.jobs WHERE id = $1`, [parent]);
        await sweepAll(storage);
        assert.equal(await stateOf(storage, onSuccess), 'Deleted');
        assert.equal(await stateOf(storage, onFinish), 'Enqueued');
      }));

    it('records replaced states before the applied one, and keeps the retry count', () =>
      withStorage(kind, async ({ storage }) => {
        const id = (await storage.createJob(newJob()))._unsafeUnwrap();
        const [job] = await fetchOk(storage);
        assert.equal(job!.retryCount, 0);
        const runAt = new Date(Date.now() - 1000);
        const applied = (await storage.changeState({
          jobId: id, from: ['Processing'], lease: job!.lease,
          to: { name: 'Scheduled', runAt, retryCount: 1 },
          reason: 'Retry attempt 1 of 10: boom',
          replaced: [{ name: 'Failed', reason: 'boom', data: { errorType: 'Error', message: 'boom', stack: null } }],
        }))._unsafeUnwrap();
        assert.equal(applied, true);
        const details = (await storage.jobDetails(id))._unsafeUnwrap()!;
        assert.deepEqual(details.history.map((h) => h.name), ['Scheduled', 'Failed', 'Processing', 'Enqueued']);
        assert.equal(details.history[1]!.data?.message, 'boom');
        assert.equal(details.retryCount, 1);
        assert.equal((await storage.nextScheduledAt())._unsafeUnwrap()?.getTime(), runAt.getTime());
        await promoteDue(storage);
        const [again] = await fetchOk(storage);
        assert.equal(again!.retryCount, 1, 'the retry count travels with the job');
        assert.equal((await storage.jobDetails(id))._unsafeUnwrap()!.runAt, undefined, 'a promoted job no longer shows a run time');
        assert.equal((await storage.nextScheduledAt())._unsafeUnwrap(), undefined);
        // A manual requeue starts the count again.
        (await storage.changeState({ jobId: id, from: ['Processing'], to: { name: 'Enqueued', resetRetries: true } }))._unsafeUnwrap();
        assert.equal((await storage.jobDetails(id))._unsafeUnwrap()!.retryCount, 0);
      }));

    it('refuses a replaced state that is not a job state', () =>
      withStorage(kind, async ({ storage }) => {
        const id = (await storage.createJob(newJob()))._unsafeUnwrap();
        const error = (await storage.changeState({ jobId: id, from: ['Enqueued'], to: { name: 'Deleted' }, replaced: [{ name: 'Bogus' as StateName }] }))._unsafeUnwrapErr();
        assert.equal(error.kind, 'InvalidInput');
        assert.equal(await stateOf(storage, id), 'Enqueued');
      }));
  });
}
