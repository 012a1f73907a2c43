/** Background chores: reading and promoting due Scheduled jobs, and expiring finished ones with everything they own. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobId } from '../../../src/storage/job-types.js';
import type { StorageKind, TestStorage } from '../../support/test-storage.js';
import { fetchOk, newJob, promoteDue, stateOf, succeed, withStorage } from './support.js';

/** How many rows each job-owned table (and the job_history view over two of them) still holds for these jobs. */
async function rowsOwnedBy(t: TestStorage, ids: readonly JobId[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['jobs', 'job_states', 'job_history', 'job_parameters', 'job_results']) {
    const column = table === 'jobs' ? 'id' : 'job_id';
    const rows = await t.sql<{ count: number }>(`SELECT count(*)::int AS count FROM ${t.storage.schema.quoted}.${table} WHERE ${column} = ANY ($1::bigint[])`, [ids]);
    counts[table] = rows[0]?.count ?? -1;
  }
  return counts;
}

export function schedulerContract(kind: StorageKind): void {
  describe(`schedulers and expiration (${kind})`, () => {
    it('promotes a Scheduled job that is due, and leaves one in the future', () =>
      withStorage(kind, async ({ storage }) => {
        const [due, future] = (await storage.createJobs([
          newJob({ queue: 'reports', state: { name: 'Scheduled', runAt: new Date(Date.now() - 60_000) } }),
          newJob({ queue: 'reports', state: { name: 'Scheduled', runAt: new Date(Date.now() + 3_600_000) } }),
        ]))._unsafeUnwrap();
        assert.deepEqual(await fetchOk(storage, { queues: ['reports'] }), [], 'a Scheduled job is not fetchable');

        assert.equal(await promoteDue(storage), 1);
        assert.equal(await stateOf(storage, due!), 'Enqueued');
        assert.equal(await stateOf(storage, future!), 'Scheduled');
        const history = (await storage.jobDetails(due!))._unsafeUnwrap()!.history;
        assert.deepEqual(history.map((h) => [h.name, h.reason]), [['Enqueued', 'Scheduled time reached'], ['Scheduled', undefined]]);
        assert.deepEqual((await fetchOk(storage, { queues: ['reports'] })).map((j) => j.id), [due]);
        assert.equal(await promoteDue(storage), 0, 'nothing more is due');
      }));

    it('reads at most the limit of due jobs, earliest due first, with what filters are told, and moves none', () =>
      withStorage(kind, async ({ storage }) => {
        const now = Date.now();
        const ids = (await storage.createJobs([
          ...[3, 1, 2].map((minutes) => newJob({ state: { name: 'Scheduled', runAt: new Date(now - minutes * 60_000) } })),
          newJob({ queue: 'later', typeName: 'Report', state: { name: 'Scheduled', runAt: new Date(now + 3_600_000) } }),
        ]))._unsafeUnwrap();
        const due = (await storage.dueScheduledJobs(2))._unsafeUnwrap();
        assert.deepEqual(due, [
          { jobId: ids[0], typeName: 'Ping', methodName: undefined, queue: 'default', retryCount: 0 },
          { jobId: ids[2], typeName: 'Ping', methodName: undefined, queue: 'default', retryCount: 0 },
        ]);
        assert.deepEqual(await Promise.all(ids.map((id) => stateOf(storage, id))), ['Scheduled', 'Scheduled', 'Scheduled', 'Scheduled'], 'reading moves nothing');
        assert.equal(await promoteDue(storage, 2), 2);
        assert.deepEqual(await Promise.all(ids.map((id) => stateOf(storage, id))), ['Enqueued', 'Scheduled', 'Enqueued', 'Scheduled']);
        assert.deepEqual((await storage.dueScheduledJobs(10))._unsafeUnwrap().map((job) => job.jobId), [ids[1]], 'the job due later is not read');
      }));

    it('expires Succeeded and Deleted jobs with their history, parameters and results, and keeps Failed ones', () =>
      withStorage(
        kind,
        async (t) => {
          const { storage } = t;
          const [succeeded, deleted, failed, waiting] = (await storage.createJobs([
            newJob({ parameters: { p: 1 } }), newJob({ parameters: { p: 2 } }), newJob({ parameters: { p: 3 } }), newJob({ queue: 'later', parameters: { p: 4 } }),
          ]))._unsafeUnwrap();
          const [s, d, f] = await fetchOk(storage);
          assert.equal(await succeed(storage, s!, '"kept until expiry"'), true);
          (await storage.changeStates([
            { jobId: deleted!, from: ['Processing'], lease: d!.lease, to: { name: 'Deleted' } },
            { jobId: failed!, from: ['Processing'], lease: f!.lease, to: { name: 'Failed' } },
          ]))._unsafeUnwrap();
          const everyone = [succeeded!, deleted!, failed!, waiting!];
          assert.deepEqual(await rowsOwnedBy(t, everyone), { jobs: 4, job_states: 6, job_history: 10, job_parameters: 4, job_results: 1 }, 'first history entries are kept in the jobs rows');

          assert.equal((await storage.expireJobs(100))._unsafeUnwrap(), 2, 'jobExpirationTimeoutMs is 0: both are due at once');
          assert.deepEqual(await rowsOwnedBy(t, [succeeded!, deleted!]), { jobs: 0, job_states: 0, job_history: 0, job_parameters: 0, job_results: 0 }, 'nothing of theirs is left');
          assert.deepEqual(await rowsOwnedBy(t, [failed!, waiting!]), { jobs: 2, job_states: 2, job_history: 4, job_parameters: 2, job_results: 0 }, 'the others are untouched');
          assert.equal(await stateOf(storage, succeeded!), undefined);
          assert.equal((await storage.jobDetails(deleted!))._unsafeUnwrap(), undefined);
          assert.equal(await stateOf(storage, failed!), 'Failed', 'Failed jobs never expire');
          assert.equal((await storage.expireJobs(100))._unsafeUnwrap(), 0);
        },
        { jobExpirationTimeoutMs: 0 },
      ));

    it('remembers when each type and recurring job last succeeded after expiring its jobs, and only a success moves that time', () =>
      withStorage(
        kind,
        async (t) => {
          const { storage } = t;
          const lastSuccess = async (key: string) => (await storage.lastSucceededAt(key))._unsafeUnwrap()?.getTime();
          const setFinished = (id: JobId, secondsAgo: number) =>
            t.sql(`UPDATE ${storage.schema.quoted}.jobs SET state_changed_at = now() - $2 * interval '1 second', expire_at = now() - $2 * interval '1 second' WHERE id = $1`, [id, secondsAgo]);
          const finishedAt = async (id: JobId) =>
            (await t.sql<{ at: Date }>(`SELECT state_changed_at AS at FROM ${storage.schema.quoted}.jobs WHERE id = $1`, [id]))[0]!.at.getTime();
          const [older, newer, nightly, deleted] = (await storage.createJobs([
            newJob({ typeName: 'Report' }), newJob({ typeName: 'Report' }), newJob({ typeName: 'Report', recurringId: 'nightly' }), newJob({ typeName: 'Audit' }),
          ]))._unsafeUnwrap();
          const [a, b, c, d] = await fetchOk(storage);
          for (const job of [a!, b!, c!]) assert.equal(await succeed(storage, job), true);
          assert.equal((await storage.changeState({ jobId: deleted!, from: ['Processing'], lease: d!.lease, to: { name: 'Deleted' } }))._unsafeUnwrap(), true);
          await setFinished(older!, 300);
          await setFinished(newer!, 200);
          await setFinished(nightly!, 250);
          const expected = { Report: await finishedAt(newer!), nightly: await finishedAt(nightly!) };
          assert.deepEqual({ Report: await lastSuccess('Report'), nightly: await lastSuccess('nightly') }, expected, 'read from the jobs kept');

          assert.equal((await storage.expireJobs(2))._unsafeUnwrap(), 2, 'two of the four, oldest due first');
          assert.equal((await storage.expireJobs(100))._unsafeUnwrap(), 2);
          assert.equal(await stateOf(storage, newer!), undefined, 'every job is gone');
          assert.deepEqual({ Report: await lastSuccess('Report'), nightly: await lastSuccess('nightly') }, expected, 'the newest success of each key outlives its job, across batches');
          assert.equal(await lastSuccess('Audit'), undefined, 'a Deleted job is not a success');
          assert.equal(await lastSuccess('Ping'), undefined);

          // A later success is newer than the remembered one; an older one expiring after it does not move the time back.
          const [again, stale] = (await storage.createJobs([newJob({ typeName: 'Report' }), newJob({ typeName: 'Report' })]))._unsafeUnwrap();
          const [e, f] = await fetchOk(storage);
          for (const job of [e!, f!]) assert.equal(await succeed(storage, job), true);
          await setFinished(stale!, 3600);
          const newest = await finishedAt(again!);
          assert.equal(await lastSuccess('Report'), newest, 'a kept success newer than the remembered one');
          await t.sql(`UPDATE ${storage.schema.quoted}.jobs SET expire_at = now() - interval '2 hours' WHERE id = $1`, [again]);
          assert.equal((await storage.expireJobs(1))._unsafeUnwrap(), 1);
          assert.equal(await stateOf(storage, again!), undefined, 'the newest success expires first');
          assert.equal((await storage.expireJobs(1))._unsafeUnwrap(), 1);
          assert.equal(await stateOf(storage, stale!), undefined, 'then the older one');
          assert.equal(await lastSuccess('Report'), newest, 'the older success expiring later does not move the time back');
        },
        { jobExpirationTimeoutMs: 0 },
      ));

    it('remembers a success whose job is requeued or deleted by hand, as it remembers an expired one', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const lastSuccess = async (key: string) => (await storage.lastSucceededAt(key))._unsafeUnwrap()?.getTime();
        const remembered = async () => (await t.sql<{ key: string }>(`SELECT key FROM ${storage.schema.quoted}.last_successes ORDER BY key`)).map((row) => row.key);
        const finishedAt = async (id: JobId) =>
          (await t.sql<{ at: Date }>(`SELECT state_changed_at AS at FROM ${storage.schema.quoted}.jobs WHERE id = $1`, [id]))[0]!.at.getTime();
        const [nightly, audit] = (await storage.createJobs([newJob({ typeName: 'Report', recurringId: 'nightly' }), newJob({ typeName: 'Audit' })]))._unsafeUnwrap();
        const [a, b] = await fetchOk(storage);
        for (const job of [a!, b!]) assert.equal(await succeed(storage, job), true);
        assert.deepEqual(await remembered(), [], 'the completion path writes nothing there');
        const succeededAt = { Report: await finishedAt(nightly!), nightly: await finishedAt(nightly!), Audit: await finishedAt(audit!) };

        // Requeued by hand (the dashboard's Requeue), then its rerun fails: it still succeeded once.
        assert.equal((await storage.changeState({ jobId: nightly!, from: ['Scheduled', 'Awaiting', 'Succeeded', 'Failed', 'Deleted'], to: { name: 'Enqueued' }, reason: 'requeued' }))._unsafeUnwrap(), true);
        const [rerun] = await fetchOk(storage);
        assert.equal((await storage.changeState({ jobId: rerun!.id, from: ['Processing'], lease: rerun!.lease, to: { name: 'Failed' } }))._unsafeUnwrap(), true);
        // Deleted by hand after succeeding.
        assert.equal((await storage.changeState({ jobId: audit!, from: ['Enqueued', 'Scheduled', 'Awaiting', 'Processing', 'Succeeded', 'Failed'], to: { name: 'Deleted' } }))._unsafeUnwrap(), true);
        assert.deepEqual(
          { Report: await lastSuccess('Report'), nightly: await lastSuccess('nightly'), Audit: await lastSuccess('Audit') },
          succeededAt,
          'each success outlives its job leaving Succeeded',
        );
        assert.deepEqual(await remembered(), ['Audit', 'Report', 'nightly']);

        // A change that may leave Succeeded but finds the job elsewhere remembers nothing.
        assert.equal((await storage.changeState({ jobId: nightly!, from: ['Succeeded', 'Failed'], to: { name: 'Deleted' } }))._unsafeUnwrap(), true);
        assert.equal(await lastSuccess('nightly'), succeededAt.nightly, 'a Failed job deleted is no success');
      }));

    it('expires only jobs whose time has come, at most the limit per call', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const ids = (await storage.createJobs([newJob(), newJob(), newJob()]))._unsafeUnwrap();
        (await storage.changeStates(ids.map((jobId) => ({ jobId, from: ['Enqueued'], to: { name: 'Deleted' } }))))._unsafeUnwrap();
        assert.equal((await storage.expireJobs(100))._unsafeUnwrap(), 0, 'a day from now by default');
        await t.sql(`UPDATE ${storage.schema.quoted}.jobs SET expire_at = now() - interval '1 second' WHERE id = ANY ($1::bigint[])`, [ids.slice(0, 2)]);
        assert.equal((await storage.expireJobs(1))._unsafeUnwrap(), 1);
        assert.equal((await storage.expireJobs(100))._unsafeUnwrap(), 1);
        assert.deepEqual(await Promise.all(ids.map((id) => stateOf(storage, id))), [undefined, undefined, 'Deleted']);
      }));
  });
}
