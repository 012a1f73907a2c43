/**
 * The completion path writes a batch again when the connection was lost
 * mid-statement (the fencing token makes that safe), and only then; a batch
 * refused for what one change holds is written again change by change, so
 * only that change fails.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errAsync } from 'neverthrow';
import { batchedStateChanges } from '../../src/server/batched-state-changes.js';
import type { JobStorage } from '../../src/storage/job-storage.js';
import type { FetchedJob } from '../../src/storage/job-types.js';
import type { StorageError } from '../../src/storage/storage-error.js';
import type { StateChange } from '../../src/storage/state-change.js';
import { eventually, openTestStorage } from '../support/test-storage.js';

const connectionLost: StorageError = { kind: 'DatabaseError', operation: 'changing job states', code: undefined, message: 'Connection terminated unexpectedly', cause: undefined };
const terminated: StorageError = { kind: 'DatabaseError', operation: 'changing job states', code: '57P01', message: 'terminating connection due to administrator command', cause: undefined };
const refused: StorageError = { kind: 'DatabaseError', operation: 'changing job states', code: '22021', message: 'invalid byte sequence', cause: undefined };

/** The real storage, whose first `failures.length` changeStates calls fail as given (a fault injected in front of it). */
function failingFirst(storage: JobStorage, failures: StorageError[]): { storage: JobStorage; calls: () => number } {
  let calls = 0;
  const faulty = Object.create(storage) as JobStorage;
  faulty.changeStates = (changes: readonly StateChange[]) => {
    const failure = failures[calls++];
    return failure === undefined ? storage.changeStates(changes) : errAsync(failure);
  };
  return { storage: faulty, calls: () => calls };
}

async function fetchedJob(storage: JobStorage): Promise<FetchedJob> {
  (await storage.createJob({ queue: 'default', state: { name: 'Enqueued' }, typeName: 'Noop', payload: {} }))._unsafeUnwrap();
  const [fetched] = (await storage.fetchJobs({ queues: ['default'], limit: 1, owner: 'test', leaseMs: 60_000 }))._unsafeUnwrap();
  return fetched!._unsafeUnwrap();
}

describe('batched state changes', () => {
  it('writes a fenced batch again after a lost connection or a terminated backend, and it applies once', async () => {
    const t = await openTestStorage('PostgreSql');
    try {
      const job = await fetchedJob(t.storage);
      const faulty = failingFirst(t.storage, [connectionLost, terminated]);
      const apply = batchedStateChanges(faulty.storage, 10_000);
      const applied = (await apply([{ jobId: job.id, from: ['Processing'], lease: job.lease, to: { name: 'Succeeded' } }]))._unsafeUnwrap();
      assert.deepEqual(applied, [true]);
      assert.equal(faulty.calls(), 3);
      assert.equal((await t.storage.getState(job.id))._unsafeUnwrap(), 'Succeeded');
      const history = (await t.storage.jobDetails(job.id))._unsafeUnwrap()!.history.map((h) => h.name);
      assert.deepEqual(history.filter((name) => name === 'Succeeded'), ['Succeeded'], 'one Succeeded entry');
    } finally {
      await t.dispose();
    }
  });

  it('gives up retrying once the server has stopped its workers, so a stopped server is not kept alive', async () => {
    const t = await openTestStorage('PostgreSql');
    try {
      const job = await fetchedJob(t.storage);
      const stopped = new AbortController();
      const faulty = failingFirst(t.storage, Array.from({ length: 1_000 }, () => connectionLost));
      const pending = batchedStateChanges(faulty.storage, 600_000, stopped.signal)([{ jobId: job.id, from: ['Processing'], lease: job.lease, to: { name: 'Succeeded' } }]);
      await eventually(async () => (faulty.calls() >= 2 ? true : undefined), 'a first retry');
      stopped.abort();
      assert.equal((await pending)._unsafeUnwrapErr(), connectionLost);
      assert.ok(faulty.calls() <= 3, `stopped retrying (${faulty.calls()} attempts)`);
      assert.equal((await t.storage.getState(job.id))._unsafeUnwrap(), 'Processing', 'left to its lease');
    } finally {
      await t.dispose();
    }
  });

  it('does not write again what the database refused, nor changes without a lease, nor after the retry budget', async () => {
    const t = await openTestStorage('PostgreSql');
    try {
      const job = await fetchedJob(t.storage);
      const change: StateChange = { jobId: job.id, from: ['Processing'], lease: job.lease, to: { name: 'Succeeded' } };

      const refusing = failingFirst(t.storage, [refused]);
      assert.equal((await batchedStateChanges(refusing.storage, 10_000)([change]))._unsafeUnwrapErr(), refused);
      assert.equal(refusing.calls(), 1);

      const unfenced = failingFirst(t.storage, [connectionLost]);
      assert.equal((await batchedStateChanges(unfenced.storage, 10_000)([{ ...change, lease: undefined }]))._unsafeUnwrapErr(), connectionLost);
      assert.equal(unfenced.calls(), 1);

      const noBudget = failingFirst(t.storage, [connectionLost]);
      assert.equal((await batchedStateChanges(noBudget.storage, 0)([change]))._unsafeUnwrapErr(), connectionLost);
      assert.equal(noBudget.calls(), 1);
      assert.equal((await t.storage.getState(job.id))._unsafeUnwrap(), 'Processing', 'nothing was written');
    } finally {
      await t.dispose();
    }
  });

  it('after a lost connection, writes again the fenced changes of a batch that also held unfenced ones', async () => {
    const t = await openTestStorage('PostgreSql');
    try {
      const running = await fetchedJob(t.storage);
      const due = (await t.storage.createJob({ queue: 'default', state: { name: 'Scheduled', runAt: new Date(Date.now() - 1_000) }, typeName: 'Noop', payload: {} }))._unsafeUnwrap();
      const sizes: number[] = [];
      const faulty = Object.create(t.storage) as JobStorage;
      faulty.changeStates = (changes: readonly StateChange[]) => {
        sizes.push(changes.length);
        return sizes.length === 2 ? errAsync(connectionLost) : t.storage.changeStates(changes);
      };
      const apply = batchedStateChanges(faulty, 10_000);
      const blocker = await fetchedJob(t.storage);
      // The first call goes alone; the completion and the scheduler's promotion behind it go together, and that batch loses its connection.
      const [first, completion, promotion] = await Promise.all([
        apply([{ jobId: blocker.id, from: ['Processing'], lease: blocker.lease, to: { name: 'Succeeded' } }]),
        apply([{ jobId: running.id, from: ['Processing'], lease: running.lease, to: { name: 'Succeeded' } }]),
        apply([{ jobId: due, from: ['Scheduled'], to: { name: 'Enqueued' }, reason: 'Scheduled time reached' }]),
      ]);
      assert.deepEqual(first._unsafeUnwrap(), [true]);
      assert.deepEqual(sizes, [1, 2, 1], 'the batch of two lost its connection; the completion went again alone');
      assert.deepEqual(completion._unsafeUnwrap(), [true], 'the fenced completion was written again');
      assert.equal(promotion._unsafeUnwrapErr(), connectionLost, 'the promotion, guarded by its state only, was not');
      assert.equal((await t.storage.getState(running.id))._unsafeUnwrap(), 'Succeeded');
      assert.equal((await t.storage.getState(due))._unsafeUnwrap(), 'Scheduled', 'left for the next round of the scheduler');
    } finally {
      await t.dispose();
    }
  });

  it('writes a batch refused for one change again one by one: only that change fails', async () => {
    const t = await openTestStorage('PostgreSql');
    try {
      const jobs: FetchedJob[] = [];
      for (let i = 0; i < 5; i++) jobs.push(await fetchedJob(t.storage));
      const sizes: number[] = [];
      const counting = Object.create(t.storage) as JobStorage;
      counting.changeStates = (changes: readonly StateChange[]) => {
        sizes.push(changes.length);
        return t.storage.changeStates(changes);
      };
      const apply = batchedStateChanges(counting, 10_000);
      const succeed = (job: FetchedJob, result?: string): StateChange => ({ jobId: job.id, from: ['Processing'], lease: job.lease, to: { name: 'Succeeded', result } });
      // The first call is written at once, alone; the four behind it wait and go together.
      const outcomes = await Promise.all([
        apply([succeed(jobs[0]!)]),
        apply([succeed(jobs[1]!)]),
        // The storage cannot encode a BigInt: refused before the database sees the batch.
        apply([{ ...succeed(jobs[2]!), data: { big: 1n as unknown as number } }]),
        // The database refuses a NUL character in text.
        apply([succeed(jobs[3]!, 'a\u0000b')]),
        apply([succeed(jobs[4]!)]),
      ]);
      assert.deepEqual(sizes.slice(0, 2), [1, 4], 'the four waiting changes went as one batch');
      assert.deepEqual(outcomes.map((o) => (o.isOk() ? o.value : o.error.kind)), [[true], [true], 'InvalidInput', 'DatabaseError', [true]]);
      const states = await Promise.all(jobs.map(async (job) => (await t.storage.getState(job.id))._unsafeUnwrap()));
      assert.deepEqual(states, ['Succeeded', 'Succeeded', 'Processing', 'Processing', 'Succeeded']);
    } finally {
      await t.dispose();
    }
  });
});
