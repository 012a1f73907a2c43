/** Writes inside the caller's own transaction: they exist, and are announced, only if the caller commits. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import type { Queryable } from '../../../src/storage/database.js';
import type { StorageKind, TestStorage } from '../../support/test-storage.js';
import { countsWith, createEach, isEnqueued, isFinished, newJob, recordEvents, stateOf, withStorage } from './support.js';

class RollBack extends Error {}

/**
 * Runs `work` inside a transaction the test owns, the way an application would:
 * on PostgreSQL a `pg.Client` (or a pool's client) between BEGIN and COMMIT or
 * ROLLBACK; on PGlite the instance's own `transaction`, rolled back by throwing.
 * `whileOpen` runs after `work`, before the outcome, on PostgreSQL only (PGlite
 * has one connection, which the open transaction holds).
 */
async function inCallerTransaction<T>(
  t: TestStorage,
  outcome: 'commit' | 'rollback',
  work: (tx: Queryable) => Promise<T>,
  whileOpen?: (value: T) => Promise<void>,
): Promise<T> {
  const { options } = t;
  if (options.type === 'Embedded') {
    let value: T | undefined;
    const run = options.pglite!.transaction(async (tx) => {
      value = await work(tx);
      if (outcome === 'rollback') throw new RollBack();
    });
    if (outcome === 'rollback') await assert.rejects(run, RollBack);
    else await run;
    return value as T;
  }
  const run = async (client: pg.ClientBase): Promise<T> => {
    await client.query('BEGIN');
    const value = await work(client);
    await whileOpen?.(value);
    await client.query(outcome === 'commit' ? 'COMMIT' : 'ROLLBACK');
    return value;
  };
  // A plain Client for rollbacks, a pool's client for commits: both are accepted as a transaction.
  if (outcome === 'rollback') {
    const client = new pg.Client({ connectionString: options.connectionString });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 1 });
  const client = await pool.connect();
  try {
    return await run(client);
  } finally {
    client.release();
    await pool.end();
  }
}

export function transactionContract(kind: StorageKind): void {
  describe(`writes in the caller's transaction (${kind})`, () => {
    it('creates nothing and announces nothing when the caller rolls back', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const recorder = await recordEvents(storage);
        const ids = await inCallerTransaction(
          t,
          'rollback',
          async (tx) => (await storage.createJobs([newJob({ queue: 'rolled-back' }), newJob({ queue: 'rolled-back' })], { transaction: tx }))._unsafeUnwrap(),
          async (created) => assert.equal(await stateOf(storage, created[0]!), undefined, 'not visible outside before the outcome'),
        );
        assert.equal(ids.length, 2, 'ids were handed out inside the transaction');
        (await storage.createJob(newJob({ queue: 'marker' })))._unsafeUnwrap();
        await recorder.waitFor(isEnqueued('marker'), 'the marker job created after the rollback');
        assert.deepEqual(recorder.events, [{ kind: 'Enqueued', queue: 'marker' }], 'no event for the rolled-back jobs');
        assert.equal(await stateOf(storage, ids[0]!), undefined);
        assert.deepEqual((await storage.stateCounts())._unsafeUnwrap(), countsWith({ Enqueued: 1 }));
        await recorder.stop();
      }));

    it('creates the job and announces it when the caller commits', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const recorder = await recordEvents(storage);
        const id = await inCallerTransaction(
          t,
          'commit',
          async (tx) => (await storage.createJob(newJob({ queue: 'committed', parameters: { p: 1 } }), { transaction: tx }))._unsafeUnwrap(),
          async (created) => {
            assert.equal(await stateOf(storage, created), undefined, 'not visible outside before the commit');
            assert.deepEqual(recorder.events, [], 'not announced before the commit');
          },
        );
        await recorder.waitFor(isEnqueued('committed'), 'the committed job');
        assert.equal(await stateOf(storage, id), 'Enqueued');
        assert.deepEqual((await storage.getParameters(id))._unsafeUnwrap(), { p: 1 });
        await recorder.stop();
      }));

    it('changes states in the caller transaction: undone by a rollback, announced on commit', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const [id] = await createEach(storage, 1);
        const recorder = await recordEvents(storage);
        const undone = await inCallerTransaction(t, 'rollback', async (tx) => (await storage.changeState({ jobId: id!, from: ['Enqueued'], to: { name: 'Deleted' } }, { transaction: tx }))._unsafeUnwrap());
        assert.equal(undone, true, 'it applied inside the transaction');
        assert.equal(await stateOf(storage, id!), 'Enqueued', 'and was rolled back');
        assert.equal((await storage.jobDetails(id!))._unsafeUnwrap()!.history.length, 1, 'with its history entry');

        const done = await inCallerTransaction(t, 'commit', async (tx) => (await storage.changeStates([{ jobId: id!, from: ['Enqueued'], to: { name: 'Deleted' } }], { transaction: tx }))._unsafeUnwrap());
        assert.deepEqual(done, [true]);
        await recorder.waitFor(isFinished(id!, 'Deleted'), 'Finished after the commit');
        assert.equal(recorder.events.length, 1, 'the rolled-back change announced nothing');
        assert.equal(await stateOf(storage, id!), 'Deleted');
        await recorder.stop();
      }));
  });
}
