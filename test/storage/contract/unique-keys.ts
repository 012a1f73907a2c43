/** Unique keys: at most one job per key waits or runs; the key is free again once its job finished. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import type { StorageKind } from '../../support/test-storage.js';
import { eventually } from '../../support/test-storage.js';
import type { NewJob } from '../../../src/storage/job-types.js';
import { countsWith, fetchOk, newJob, stateOf, succeed, withStorage } from './support.js';

export function uniqueKeyContract(kind: StorageKind): void {
  describe(`unique keys (${kind})`, () => {
    it('creates one job per key while it waits or runs, answers its id otherwise, and frees the key when it finishes', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const unique = async (key: string, overrides = {}) => (await storage.createUniqueJob(newJob({ uniqueKey: key, ...overrides })))._unsafeUnwrap();
        const first = await unique('invoice-42', { parameters: { p: 1 } });
        assert.equal(first.created, true);
        const again = await unique('invoice-42', { parameters: { p: 2 }, queue: 'other' });
        assert.deepEqual(again, { id: first.id, created: false }, 'the waiting job holds the key');
        assert.deepEqual((await storage.getParameters(first.id))._unsafeUnwrap(), { p: 1 }, 'the refused creation wrote no parameter');
        const other = await unique('invoice-43');
        assert.equal(other.created, true, 'another key is another job');
        assert.deepEqual((await storage.stateCounts())._unsafeUnwrap(), countsWith({ Enqueued: 2 }), 'nothing else was written');
        assert.equal((await storage.jobDetails(first.id))._unsafeUnwrap()?.uniqueKey, 'invoice-42', 'the details show the key');

        const [running] = await fetchOk(storage, { limit: 1 });
        assert.equal(running?.id, first.id);
        assert.deepEqual(await unique('invoice-42'), { id: first.id, created: false }, 'a Processing job holds the key');
        (await storage.changeState({ jobId: first.id, from: ['Processing'], lease: running.lease, to: { name: 'Scheduled', runAt: new Date(Date.now() + 60_000), retryCount: 1 } }))._unsafeUnwrap();
        assert.deepEqual(await unique('invoice-42'), { id: first.id, created: false }, 'a job waiting for its retry holds the key');
        (await storage.changeState({ jobId: first.id, from: ['Scheduled'], to: { name: 'Enqueued' } }))._unsafeUnwrap();
        const retried = (await fetchOk(storage, { limit: 10 })).find((job) => job.id === first.id);
        assert.equal(await succeed(storage, retried!), true);

        const next = await unique('invoice-42');
        assert.equal(next.created, true, 'a Succeeded job no longer holds the key');
        assert.notEqual(next.id, first.id);
        (await storage.changeState({ jobId: next.id, from: ['Enqueued'], to: { name: 'Deleted' } }))._unsafeUnwrap();
        assert.equal((await unique('invoice-42')).created, true, 'nor does a Deleted one');

        const continuation = await unique('after-43', { state: { name: 'Awaiting', parentId: other.id, on: 'succeeded' } });
        assert.equal(continuation.created, true);
        assert.deepEqual(await unique('after-43'), { id: continuation.id, created: false }, 'an Awaiting job holds the key');
        const scheduled = await unique('later', { state: { name: 'Scheduled', runAt: new Date(Date.now() + 60_000) } });
        assert.deepEqual(await unique('later'), { id: scheduled.id, created: false }, 'a Scheduled job holds the key');
      }));

    it('a key belongs to its job type: another request type, or another method of a service, has its own', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const unique = async (overrides: Partial<NewJob>) => (await storage.createUniqueJob(newJob({ uniqueKey: 'customer-7', ...overrides })))._unsafeUnwrap();
        const ping = await unique({ typeName: 'Ping' });
        const report = await unique({ typeName: 'Report' });
        const mailSend = await unique({ typeName: 'Mailer', methodName: 'send' });
        const mailPurge = await unique({ typeName: 'Mailer', methodName: 'purge' });
        assert.deepEqual([ping, report, mailSend, mailPurge].map((c) => c.created), [true, true, true, true], 'four types, four jobs');
        assert.equal(new Set([ping, report, mailSend, mailPurge].map((c) => c.id)).size, 4);
        assert.deepEqual(await unique({ typeName: 'Report', queue: 'other' }), { id: report.id, created: false }, 'the same type: its holder, whatever the queue');
        assert.deepEqual(await unique({ typeName: 'Mailer', methodName: 'purge' }), { id: mailPurge.id, created: false });
        const bare = await unique({ typeName: 'Mailer' });
        assert.equal(bare.created, true, 'a type name without a method is a type of its own');
        assert.deepEqual(await unique({ typeName: 'Mailer' }), { id: bare.id, created: false });
      }));

    it('refuses to bring a finished job back while another holds its key, with a clear error, changing nothing', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const old = (await storage.createUniqueJob(newJob({ uniqueKey: 'sync-7' })))._unsafeUnwrap();
        (await storage.changeState({ jobId: old.id, from: ['Enqueued'], to: { name: 'Deleted' } }))._unsafeUnwrap();
        const current = (await storage.createUniqueJob(newJob({ uniqueKey: 'sync-7' })))._unsafeUnwrap();
        assert.equal(current.created, true);
        const requeue = await storage.changeState({ jobId: old.id, from: ['Deleted'], to: { name: 'Enqueued' } });
        assert.ok(requeue.isErr(), 'the requeue is refused');
        assert.equal(requeue.error.kind, 'InvalidInput');
        assert.match('message' in requeue.error ? requeue.error.message : '', /another job with its unique key is waiting or running/);
        assert.equal(requeue.error.kind === 'InvalidInput' ? requeue.error.refusal : undefined, 'UniqueKeyHeld', 'the refusal is marked, so no caller has to read its message');
        assert.equal(await stateOf(storage, old.id), 'Deleted');
        (await storage.changeState({ jobId: current.id, from: ['Enqueued'], to: { name: 'Deleted' } }))._unsafeUnwrap();
        assert.equal((await storage.changeState({ jobId: old.id, from: ['Deleted'], to: { name: 'Enqueued' } }))._unsafeUnwrap(), true, 'once the key is free, it may come back');
        assert.equal(await stateOf(storage, old.id), 'Enqueued');
      }));

    it('refuses a key in a batch and a malformed key, creating nothing', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const batch = await storage.createJobs([newJob(), newJob({ uniqueKey: 'k' })]);
        assert.equal(batch.isErr() && batch.error.kind, 'InvalidInput');
        // A lone surrogate is stored as U+FFFD: "k\uD800" and "k\uDC00" would be one key.
        for (const key of ['', 'x'.repeat(201), 'line\nbreak', 'k\uD800', 'k\uDC00', '\uDC00\uD800']) {
          const refused = await storage.createUniqueJob(newJob({ uniqueKey: key }));
          assert.equal(refused.isErr() && refused.error.kind, 'InvalidInput', `key ${JSON.stringify(key)}`);
        }
        assert.deepEqual((await storage.stateCounts())._unsafeUnwrap(), countsWith({}), 'nothing was created');
      }));

    it('keys differing only in their lone surrogates stay apart: each is refused rather than merged into one', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const pair = (await storage.createUniqueJob(newJob({ uniqueKey: 'emoji-\uD83D\uDE00' })))._unsafeUnwrap();
        assert.equal(pair.created, true, 'a surrogate pair is a character like any other');
        assert.equal((await storage.jobDetails(pair.id))._unsafeUnwrap()?.uniqueKey, 'emoji-\uD83D\uDE00', 'kept as given');
        const first = await storage.createUniqueJob(newJob({ uniqueKey: 'half-\uD83D' }));
        const second = await storage.createUniqueJob(newJob({ uniqueKey: 'half-\uDE00' }));
        assert.deepEqual([first.isErr() && first.error.kind, second.isErr() && second.error.kind], ['InvalidInput', 'InvalidInput'], 'neither answers the other\'s job');
        assert.match(first.isErr() && 'message' in first.error ? first.error.message : '', /Unique key "half-\\ud83d" is invalid/);
        assert.deepEqual((await storage.stateCounts())._unsafeUnwrap(), countsWith({ Enqueued: 1 }));
      }));

    if (kind === 'PostgreSql') {
      it('callers racing with one key create one job; one that waited for a racer\'s commit answers the racer\'s job', () =>
        withStorage(kind, async (t) => {
          const { storage } = t;
          const results = await Promise.all(Array.from({ length: 12 }, () => storage.createUniqueJob(newJob({ uniqueKey: 'race' }))));
          const answers = results.map((r) => r._unsafeUnwrap());
          assert.equal(answers.filter((a) => a.created).length, 1, 'one created');
          assert.equal(new Set(answers.map((a) => a.id)).size, 1, 'all answer its id');

          // A racer inside an open transaction: the other creation waits on the key, and its snapshot
          // predates the racer's commit, so it must run again to see the racer's job.
          const client = new pg.Client({ connectionString: t.options.connectionString });
          await client.connect();
          try {
            await client.query('BEGIN');
            const racer = (await storage.createUniqueJob(newJob({ uniqueKey: 'held' }), { transaction: client }))._unsafeUnwrap();
            const waiting = storage.createUniqueJob(newJob({ uniqueKey: 'held' }));
            await eventually(async () => {
              const rows = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted`);
              return rows[0]!.n > 0 ? true : undefined;
            }, 'the second creation waits for the racer');
            await client.query('COMMIT');
            assert.deepEqual((await waiting)._unsafeUnwrap(), { id: racer.id, created: false });
          } finally {
            await client.end();
          }
        }));

      it('in a REPEATABLE READ or SERIALIZABLE transaction, a holder the snapshot sees is answered even if a worker fetched it or renewed its lease since', () =>
        withStorage(kind, async (t) => {
          const { storage } = t;
          const holder = (await storage.createUniqueJob(newJob({ uniqueKey: 'long-sync' })))._unsafeUnwrap();
          const client = new pg.Client({ connectionString: t.options.connectionString });
          await client.connect();
          try {
            for (const level of ['REPEATABLE READ', 'SERIALIZABLE']) {
              await client.query(`BEGIN ISOLATION LEVEL ${level}`);
              await client.query('SELECT 1'); // takes the transaction's snapshot
              const [running] = await fetchOk(storage, { limit: 1 });
              if (running !== undefined) (await storage.renewLeases([running.lease], 30_000))._unsafeUnwrap();
              const answered = await storage.createUniqueJob(newJob({ uniqueKey: 'long-sync' }), { transaction: client });
              assert.deepEqual(answered.isOk() ? answered.value : answered.error, { id: holder.id, created: false }, `${level}: the holder's id, not a serialization failure`);
              await client.query('COMMIT');
            }

            // A holder committed after the snapshot is a real race: the caller's transaction must run again.
            await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
            await client.query('SELECT 1');
            (await storage.createUniqueJob(newJob({ uniqueKey: 'late' })))._unsafeUnwrap();
            const lost = await storage.createUniqueJob(newJob({ uniqueKey: 'late' }), { transaction: client });
            assert.equal(lost.isErr() && lost.error.kind === 'DatabaseError' && lost.error.code, '40001');
            await client.query('ROLLBACK');
          } finally {
            await client.end();
          }
        }));
    }
  });
}
