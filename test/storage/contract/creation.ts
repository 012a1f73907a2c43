/** Creating jobs: ids, initial states, first history entry, and refusal of bad input before any row exists. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '../../../src/storage/job-types.js';
import type { StorageKind } from '../../support/test-storage.js';
import { countsWith, fetchOk, newJob, succeed, withStorage } from './support.js';

export function creationContract(kind: StorageKind): void {
  describe(`creating jobs (${kind})`, () => {
    it('returns ids in input order and stores each initial state with its first history entry', () =>
      withStorage(kind, async ({ storage }) => {
        const parent = (await storage.createJob(newJob({ displayName: 'the parent', reason: 'made by a test' })))._unsafeUnwrap();
        const runAt = new Date(Date.now() + 60_000);
        const ids = (await storage.createJobs([
          newJob({ queue: 'critical', typeName: 'First', methodName: 'run', recurringId: 'nightly' }),
          newJob({ state: { name: 'Scheduled', runAt } }),
          newJob({ state: { name: 'Awaiting', parentId: parent, on: 'succeeded' } }),
        ]))._unsafeUnwrap();
        assert.equal(ids.length, 3);
        assert.ok(ids.every((id) => /^[1-9][0-9]*$/.test(id)), `ids are decimal strings: ${ids.join(', ')}`);
        assert.deepEqual([...ids].sort((a, b) => Number(a) - Number(b)), ids, 'ids come back in input order');
        assert.equal(new Set([parent, ...ids]).size, 4);

        const [first, scheduled, awaiting] = await Promise.all(ids.map(async (id) => (await storage.jobDetails(id))._unsafeUnwrap()!));
        assert.equal(first!.queue, 'critical');
        assert.equal(first!.typeName, 'First');
        assert.equal(first!.methodName, 'run');
        assert.equal(first!.recurringId, 'nightly');
        assert.deepEqual(first!.history.map((h) => [h.name, h.data]), [['Enqueued', { queue: 'critical' }]]);
        assert.equal(scheduled!.state, 'Scheduled');
        assert.equal(scheduled!.runAt?.getTime(), runAt.getTime());
        assert.equal(awaiting!.state, 'Awaiting');
        assert.equal(awaiting!.parentId, parent);
        assert.deepEqual(awaiting!.history[0]?.data, { queue: 'default', parentId: parent, on: 'succeeded' });

        const parentDetails = (await storage.jobDetails(parent))._unsafeUnwrap()!;
        assert.equal(parentDetails.displayName, 'the parent');
        assert.equal(parentDetails.history[0]?.reason, 'made by a test');
        assert.equal(parentDetails.payloadText, '{"n":0}');
        assert.equal(parentDetails.fetchCount, 0);
        assert.deepEqual((await storage.stateCounts())._unsafeUnwrap(), countsWith({ Enqueued: 2, Scheduled: 1, Awaiting: 1 }));
      }));

    it('keeps each new job\'s first history entry in its own row: creating jobs writes no job_states row', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const parent = (await storage.createJob(newJob({ reason: 'alone' })))._unsafeUnwrap();
        const withParameters = (await storage.createJob(newJob({ reason: 'with parameters', parameters: { culture: 'fr' } })))._unsafeUnwrap();
        const runAt = new Date(Date.now() + 60_000);
        const batch = (await storage.createJobs([
          newJob({ queue: 'critical', reason: 'in a batch' }),
          newJob({ state: { name: 'Scheduled', runAt }, reason: 'scheduled' }),
          newJob({ state: { name: 'Awaiting', parentId: parent, on: 'succeeded' }, reason: 'continuation' }),
        ]))._unsafeUnwrap();
        const count = async (relation: string) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${storage.schema.quoted}.${relation}`))[0]?.n;
        assert.equal(await count('job_states'), 0, 'no history row was written');
        assert.equal(await count('job_history'), 5, 'every job has its first entry');
        const firstEntries = await Promise.all([parent, withParameters, ...batch].map(async (id) => {
          const details = (await storage.jobDetails(id))._unsafeUnwrap()!;
          assert.equal(details.history.length, 1);
          assert.equal(details.history[0]!.createdAt.getTime(), details.createdAt.getTime(), 'the entry is as old as the job');
          return [details.history[0]!.name, details.history[0]!.reason, details.history[0]!.data];
        }));
        const { runAt: recordedRunAt, ...scheduledData } = firstEntries[3]![2] as Record<string, string>;
        assert.equal(new Date(recordedRunAt!).getTime(), runAt.getTime(), 'the Scheduled entry records when it is due');
        assert.deepEqual([...firstEntries.slice(0, 3), [...firstEntries[3]!.slice(0, 2), scheduledData], firstEntries[4]], [
          ['Enqueued', 'alone', { queue: 'default' }],
          ['Enqueued', 'with parameters', { queue: 'default' }],
          ['Enqueued', 'in a batch', { queue: 'critical' }],
          ['Scheduled', 'scheduled', { queue: 'default' }],
          ['Awaiting', 'continuation', { queue: 'default', parentId: parent, on: 'succeeded' }],
        ]);

        // Later states follow the first entry, newest first as always.
        const [fetched] = await fetchOk(storage, { queues: ['default'], limit: 1 });
        assert.equal(fetched!.id, parent);
        assert.equal(await succeed(storage, fetched!), true);
        const history = (await storage.jobDetails(parent))._unsafeUnwrap()!.history;
        assert.deepEqual(history.map((h) => [h.name, h.reason]), [['Succeeded', undefined], ['Processing', 'Fetched by a worker'], ['Enqueued', 'alone']]);
        const rows = await t.sql<{ job_id: string; name: string }>(`SELECT job_id::text, name FROM ${storage.schema.quoted}.job_states ORDER BY name DESC`);
        assert.deepEqual(rows.map((row) => [row.job_id, row.name]), [[parent, 'Succeeded'], [parent, 'Processing'], [batch[2], 'Enqueued']],
          'job_states holds the entries after the first: the parent\'s, and the released continuation\'s');
      }));

    it('stores a job created alone exactly as the same job created in a batch', () =>
      withStorage(kind, async ({ storage }) => {
        const parent = (await storage.createJob(newJob()))._unsafeUnwrap();
        const kinds = [
          newJob({ queue: 'critical', typeName: 'First', methodName: 'run', recurringId: 'nightly', displayName: 'shown', reason: 'why', parameters: { culture: 'fr', n: 2 } }),
          newJob({ state: { name: 'Scheduled', runAt: new Date(Date.now() + 60_000) }, parameters: { only: true } }),
          newJob({ state: { name: 'Awaiting', parentId: parent, on: 'finished' } }),
        ];
        const comparable = async (id: string) => {
          const { id: _id, createdAt: _c, stateChangedAt: _s, enqueuedAt: _e, history, ...rest } = (await storage.jobDetails(id))._unsafeUnwrap()! as unknown as Record<string, unknown> & { history: { name: string; reason: string | null; data: unknown }[] };
          return { ...rest, history: history.map((h) => [h.name, h.reason, h.data]), parameters: (await storage.getParameters(id))._unsafeUnwrap() };
        };
        const batched = (await storage.createJobs(kinds))._unsafeUnwrap();
        for (const [index, job] of kinds.entries()) {
          const alone = (await storage.createJob(job))._unsafeUnwrap();
          assert.deepEqual(await comparable(alone), await comparable(batched[index]!), `job ${index} alone vs in a batch`);
        }
      }));

    it('merges concurrent calls, each getting its own ids, and one refused call fails alone', () =>
      withStorage(kind, async ({ storage }) => {
        // A NUL character in a display name passes our checks but PostgreSQL refuses it:
        // the merged statement fails, and every other call must still get its jobs.
        const calls = Array.from({ length: 12 }, (_, i) =>
          i === 5
            ? storage.createJobs([newJob({ payload: { call: i } }), newJob({ displayName: 'bad\u0000name' })])
            : storage.createJobs([newJob({ payload: { call: i } }), newJob({ payload: { call: i, second: true } })]));
        const results = await Promise.all(calls);
        for (const [i, result] of results.entries()) {
          if (i === 5) {
            assert.ok(result.isErr(), 'the refused call fails');
            continue;
          }
          const ids = result._unsafeUnwrap();
          assert.equal(ids.length, 2);
          for (const [j, id] of ids.entries()) {
            const details = (await storage.jobDetails(id))._unsafeUnwrap()!;
            assert.equal(details.payloadText, j === 0 ? `{"call":${i}}` : `{"call":${i},"second":true}`, `call ${i} job ${j} got its own id`);
          }
        }
        assert.deepEqual((await storage.stateCounts())._unsafeUnwrap(), countsWith({ Enqueued: 22 }), 'nothing of the refused call was stored');
      }));

    it('creates nothing for an empty batch', () =>
      withStorage(kind, async ({ storage }) => {
        assert.deepEqual((await storage.createJobs([]))._unsafeUnwrap(), []);
        assert.deepEqual((await storage.stateCounts())._unsafeUnwrap(), countsWith({}));
      }));

    it('refuses payloads JSON cannot hold, and creates none of a batch holding one', () =>
      withStorage(kind, async ({ storage }) => {
        const cyclic: Record<string, unknown> = { name: 'loop' };
        cyclic.self = cyclic;
        const bad: { what: string; payload: unknown }[] = [
          { what: 'a cycle', payload: cyclic },
          { what: 'a BigInt', payload: { amount: 10n } },
          { what: 'a function', payload: () => 1 },
          { what: 'undefined', payload: undefined },
        ];
        for (const { what, payload } of bad) {
          const single = (await storage.createJob(newJob({ payload: payload as JsonValue })))._unsafeUnwrapErr();
          assert.equal(single.kind, 'InvalidInput', `single job with ${what}`);
          const batch = (await storage.createJobs([newJob(), newJob({ payload: payload as JsonValue }), newJob()]))._unsafeUnwrapErr();
          assert.equal(batch.kind, 'InvalidInput', `batch with ${what}`);
        }
        const badParameter = (await storage.createJobs([newJob(), newJob({ parameters: { amount: 1n as unknown as JsonValue } })]))._unsafeUnwrapErr();
        assert.equal(badParameter.kind, 'InvalidInput');
        assert.deepEqual((await storage.stateCounts())._unsafeUnwrap(), countsWith({}), 'nothing was created');
      }));

    it('refuses invalid queue names, type names and states, creating nothing', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        for (const queue of ['', 'a b', "x'; drop table jobs; --", 'q'.repeat(65), 'tab\there', 'émoji✓']) {
          const error = (await storage.createJobs([newJob(), newJob({ queue })]))._unsafeUnwrapErr();
          assert.equal(error.kind, 'InvalidInput', `queue ${JSON.stringify(queue)}`);
          assert.match('message' in error ? error.message : '', /Queue name/);
        }
        assert.equal((await storage.createJob(newJob({ queue: 'Q-1.a:b_' + 'q'.repeat(56) })))._unsafeUnwrap().length > 0, true, 'a 64-character queue name is fine');
        for (const job of [
          newJob({ typeName: '' }),
          newJob({ state: { name: 'Scheduled', runAt: new Date(Number.NaN) } }),
          newJob({ state: { name: 'Awaiting', parentId: 'not-an-id', on: 'succeeded' } }),
          newJob({ parameters: { '': 1 } }),
        ]) {
          assert.equal((await storage.createJob(job))._unsafeUnwrapErr().kind, 'InvalidInput', JSON.stringify(job));
        }
        const rows = await t.sql<{ count: number }>(`SELECT count(*)::int AS count FROM ${storage.schema.quoted}.job_history`);
        assert.equal(rows[0]?.count, 1, 'only the valid job wrote history');
        assert.deepEqual((await storage.stateCounts())._unsafeUnwrap(), countsWith({ Enqueued: 1 }));
      }));

    it('stores payloads exactly as written and hands them back intact, NUL and unicode included', () =>
      withStorage(kind, async ({ storage }) => {
        const payload = { text: 'nul \u0000, "quotes", \\ and ünïcødé ✓ 🚀', nested: [1, 2.5, null, true, { deep: [] }], big: 9007199254740991 };
        const id = (await storage.createJob(newJob({ payload })))._unsafeUnwrap();
        assert.equal((await storage.jobDetails(id))._unsafeUnwrap()!.payloadText, JSON.stringify(payload));
        const [fetched] = await fetchOk(storage);
        assert.deepEqual(fetched?.payload, payload);
      }));
  });
}
