import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResultAsync } from 'neverthrow';
import pg from 'pg';
import type { AwaitError } from '../../src/dispatch/await-error.js';
import { Request } from '../../src/mediator/index.js';
import type { Queryable } from '../../src/storage/database.js';
import type { JobId } from '../../src/storage/job-types.js';
import { expectType } from '../mediator/support/expect-type.js';
import { errOf, okOf } from '../mediator/support/outcome.js';
import { STORAGE_KINDS, eventually, type TestStorage } from '../support/test-storage.js';
import { Echo, Explode, Gated, dispatchEngine, type DispatchEngine, type Echoed } from './support.js';

const AT = new Date('2030-01-02T03:04:05.678Z');
const BIG = 12345678901234567890n;

/** A value object: its method and private field are what a handler would lose if it got a plain object. */
class Money {
  readonly #cents: number;
  constructor(readonly amount: number, readonly currency: string) {
    this.#cents = Math.round(amount * 100);
  }
  format(): string {
    return `${(this.#cents / 100).toFixed(2)} ${this.currency}`;
  }
}

/** A request with a class instance in its fields. */
class PlaceOrder extends Request<string> {
  static readonly requestTypeName = 'dispatch-tests.PlaceOrder';
  constructor(readonly total: Money) {
    super();
  }
}

/** What QuoteOrder answers: class instances, at the top and nested. */
interface Quote {
  readonly total: Money;
  readonly lines: readonly Money[];
}

/** A request whose handler answers with class instances. */
class QuoteOrder extends Request<Quote> {
  static readonly requestTypeName = 'dispatch-tests.QuoteOrder';
  constructor(readonly amount: number) {
    super();
  }
}

function registerOrders(e: DispatchEngine): void {
  e.registry.addHandler(PlaceOrder, { handle: (r: PlaceOrder) => `placed ${r.total.format()}` })._unsafeUnwrap();
  e.registry.addHandler(QuoteOrder, { handle: (r: QuoteOrder): Quote => ({ total: new Money(r.amount, 'EUR'), lines: [new Money(r.amount, 'EUR')] }) })._unsafeUnwrap();
}

/** The newest job in `state` (enqueueAwait hands out no id until it settles). */
async function onlyJobIn(e: DispatchEngine, state: 'Scheduled' | 'Processing' | 'Enqueued'): Promise<JobId> {
  return eventually(async () => (await e.t.storage.jobsInState(state, { offset: 0, limit: 10 }))._unsafeUnwrap().items[0]?.id, `a ${state} job`);
}

/** Runs `work` in a transaction of the test's own, committed or rolled back. */
async function inTransaction(t: TestStorage, outcome: 'commit' | 'rollback', work: (tx: Queryable) => Promise<void>): Promise<void> {
  if (t.options.type === 'Embedded') {
    const rolledBack = new Error('roll back');
    const run = t.options.pglite!.transaction(async (tx) => {
      await work(tx);
      if (outcome === 'rollback') throw rolledBack;
    });
    if (outcome === 'rollback') await assert.rejects(run, (error) => error === rolledBack);
    else await run;
    return;
  }
  const client = new pg.Client({ connectionString: t.options.connectionString });
  await client.connect();
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query(outcome === 'commit' ? 'COMMIT' : 'ROLLBACK');
  } finally {
    await client.end();
  }
}

for (const kind of STORAGE_KINDS) {
  describe(`JobMediator.enqueue (${kind})`, () => {
    it('send and publish are the wrapped mediator\'s', async () => {
      const e = await dispatchEngine(kind);
      try {
        const echoed = await okOf(() => e.mediator.send(new Echo('direct', AT, BIG)));
        assert.deepEqual(echoed, { text: 'direct', at: AT, big: BIG });
        const counts = (await e.t.storage.stateCounts())._unsafeUnwrap();
        assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), 0, 'send stores nothing');
      } finally {
        await e.dispose();
      }
    });

    it('now, in a queue, with parameters; after a delay; at a moment; after a parent', async () => {
      const e = await dispatchEngine(kind);
      try {
        const now = await okOf(() => e.mediator.enqueue(new Echo('now', AT, BIG), { queue: 'critical', parameters: { tenant: 7n } }));
        const nowJob = (await e.engine.monitoring.jobDetails(now))._unsafeUnwrap();
        assert.deepEqual([nowJob.state, nowJob.queue, nowJob.parameters.tenant], ['Enqueued', 'critical', 7n]);
        assert.deepEqual(nowJob.payload, { text: 'now', at: AT, big: BIG });

        const before = Date.now();
        const delayed = await okOf(() => e.mediator.enqueue(new Echo('later', AT, BIG), { delay: 60_000 }));
        const delayedJob = (await e.engine.monitoring.jobDetails(delayed))._unsafeUnwrap();
        assert.equal(delayedJob.state, 'Scheduled');
        assert.ok(Math.abs(delayedJob.runAt!.getTime() - (before + 60_000)) < 5_000, `runAt ${delayedJob.runAt?.toISOString()}`);

        const runAt = new Date(Date.now() + 3_600_000);
        const atJob = (await e.engine.monitoring.jobDetails(await okOf(() => e.mediator.enqueue(new Echo('at', AT, BIG), { runAt }))))._unsafeUnwrap();
        assert.deepEqual([atJob.state, atJob.runAt?.getTime()], ['Scheduled', runAt.getTime()]);

        const child = await okOf(() => e.mediator.enqueue(new Echo('child', AT, BIG), { continueFrom: now, on: 'finished' }));
        const childJob = (await e.engine.monitoring.jobDetails(child))._unsafeUnwrap();
        assert.deepEqual([childJob.state, childJob.parentId], ['Awaiting', now]);

        await e.startServer({ Queues: ['critical', 'default'] });
        await e.waitForState(child, 'Succeeded');
        assert.equal((await e.t.storage.getState(now))._unsafeUnwrap(), 'Succeeded');
      } finally {
        await e.dispose();
      }
    });

    it('in the caller\'s transaction: the job exists only if it commits', async () => {
      const e = await dispatchEngine(kind);
      try {
        let rolledBack: JobId | undefined;
        await inTransaction(e.t, 'rollback', async (tx) => {
          rolledBack = await okOf(() => e.mediator.enqueue(new Echo('rolled back', AT, BIG), { transaction: tx }));
        });
        assert.equal((await e.t.storage.getState(rolledBack!))._unsafeUnwrap(), undefined);
        let committed: JobId | undefined;
        await inTransaction(e.t, 'commit', async (tx) => {
          committed = await okOf(() => e.mediator.enqueue(new Echo('committed', AT, BIG), { transaction: tx }));
        });
        assert.equal((await e.t.storage.getState(committed!))._unsafeUnwrap(), 'Enqueued');
      } finally {
        await e.dispose();
      }
    });

    it('a parent and its continuation created in one caller transaction: both exist only if it commits, and the continuation follows', async () => {
      const e = await dispatchEngine(kind);
      try {
        const created: JobId[] = [];
        await inTransaction(e.t, 'rollback', async (tx) => {
          const parent = await okOf(() => e.mediator.enqueue(new Echo('parent', AT, BIG), { transaction: tx }));
          created.push(parent, await okOf(() => e.mediator.enqueue(new Echo('child', AT, BIG), { continueFrom: parent, transaction: tx })));
        });
        for (const id of created) assert.equal((await e.t.storage.getState(id))._unsafeUnwrap(), undefined, 'rolled back');
        created.length = 0;
        await inTransaction(e.t, 'commit', async (tx) => {
          const parent = await okOf(() => e.mediator.enqueue(new Echo('parent', AT, BIG), { transaction: tx }));
          created.push(parent, await okOf(() => e.engine.client.continueWith(parent, new Echo('child', AT, BIG), { transaction: tx })));
        });
        const [parent, child] = created as [JobId, JobId];
        assert.equal((await e.t.storage.getState(child))._unsafeUnwrap(), 'Awaiting');
        await e.startServer();
        await e.waitForState(child, 'Succeeded');
        assert.equal((await e.t.storage.getState(parent))._unsafeUnwrap(), 'Succeeded');
      } finally {
        await e.dispose();
      }
    });

    it('refuses contradictory options, an unknown parent and an unregistered request before storing anything', async () => {
      const e = await dispatchEngine(kind);
      try {
        const echo = new Echo('x', AT, BIG);
        assert.equal((await errOf(() => e.mediator.enqueue(echo, { delay: 10, runAt: new Date() }))).kind, 'InvalidOptions');
        assert.equal((await errOf(() => e.mediator.enqueue(echo, { delay: -1 }))).kind, 'InvalidOptions');
        assert.equal((await errOf(() => e.mediator.enqueue(echo, { continueFrom: '1', delay: 10 }))).kind, 'InvalidOptions');
        assert.equal((await errOf(() => e.mediator.enqueue(echo, { on: 'deleted' }))).kind, 'InvalidOptions');
        assert.equal((await errOf(() => e.mediator.enqueue(echo, { continueFrom: '999999' }))).kind, 'JobNotFound');
        class Unhandled extends Echo {}
        assert.equal((await errOf(() => e.mediator.enqueue(new Unhandled('y', AT, BIG)))).kind, 'UnknownRequestType');
        const counts = (await e.t.storage.stateCounts())._unsafeUnwrap();
        assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), 0);
      } finally {
        await e.dispose();
      }
    });

    it('refuses a request with a class instance in its fields (the handler would get a plain object), storing nothing; send runs it', async () => {
      const e = await dispatchEngine(kind);
      try {
        registerOrders(e);
        const order = new PlaceOrder(new Money(5, 'EUR'));
        assert.equal(await okOf(() => e.mediator.send(order)), 'placed 5.00 EUR');
        const refusals = [
          await errOf(() => e.mediator.enqueue(order)),
          await errOf(() => e.mediator.enqueue(order, { delay: 60_000 })),
          await errOf(() => e.mediator.enqueueAwait(order, { timeout: 1_000 })),
        ];
        for (const error of refusals) {
          assert.equal(error.kind, 'Unserializable', error.message);
          assert.match(error.message, /dispatch-tests\.PlaceOrder\.total cannot be stored: an instance of Money would reach the handler as a plain object/);
          assert.match(error.message, /pass plain data, e\.g\. its fields or a Date\/ISO string/);
        }
        const counts = (await e.t.storage.stateCounts())._unsafeUnwrap();
        assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), 0, 'nothing was stored');
      } finally {
        await e.dispose();
      }
    });
  });

  describe(`JobMediator.enqueueAwait (${kind})`, () => {
    it('uniqueKey: one job per key while it waits or runs, awaited by every caller; onCreated runs once; free again when it finished', async () => {
      const e = await dispatchEngine(kind);
      try {
        const created: string[] = [];
        const creating: string[] = [];
        e.engine.filters.add({ onCreating: (c) => void creating.push(c.queue), onCreated: (c) => void created.push(c.jobId) })._unsafeUnwrap();
        // Counts keyed creations that returned; the statement itself is the real one.
        let keyedCreations = 0;
        const createUniqueJob = e.t.storage.createUniqueJob.bind(e.t.storage);
        e.t.storage.createUniqueJob = (job, options) => createUniqueJob(job, options).map((creation) => (keyedCreations++, creation));
        const first = await okOf(() => e.mediator.enqueue(new Gated('sync'), { uniqueKey: 'sync-account-7' }));
        const second = await okOf(() => e.mediator.enqueue(new Gated('sync'), { uniqueKey: 'sync-account-7', delay: 60_000 }));
        assert.equal(second, first, 'the waiting job\'s id, nothing created');
        assert.deepEqual(created, [first], 'onCreated only for the created job');
        assert.equal(creating.length, 2, 'onCreating runs for both: it may cancel or change the job before the key is tried');
        const viaClient = await okOf(() => e.engine.client.schedule(new Gated('sync'), 60_000, { uniqueKey: 'sync-account-7' }));
        assert.equal(viaClient, first, 'the client answers the same');
        assert.deepEqual((await e.t.storage.stateCounts())._unsafeUnwrap(), { Enqueued: 1, Scheduled: 0, Awaiting: 0, Processing: 0, Succeeded: 0, Failed: 0, Deleted: 0 });

        await e.startServer();
        const waiters = [1, 2].map(() => e.mediator.enqueueAwait(new Gated('sync'), { uniqueKey: 'sync-account-7' }));
        await e.waitForState(first, 'Processing');
        // Both callers must have been handed the holder before it may finish: a creation landing after that
        // would find the key free and rightly create (and run) a second job.
        await eventually(async () => (keyedCreations === 5 ? true : undefined), 'both callers to be handed the holder');
        e.gates.open('sync');
        assert.deepEqual(await Promise.all(waiters.map((w) => okOf(() => w))), ['passed sync', 'passed sync'], 'both await the one job');
        assert.deepEqual(e.gates.started, ['sync'], 'it ran once');
        await e.waitForState(first, 'Succeeded');

        const next = await okOf(() => e.mediator.enqueue(new Gated('sync'), { uniqueKey: 'sync-account-7' }));
        assert.notEqual(next, first, 'a finished job no longer holds the key');
        await e.waitForState(next, 'Succeeded');
        assert.equal((await e.engine.monitoring.jobDetails(next))._unsafeUnwrap().uniqueKey, 'sync-account-7');
      } finally {
        await e.dispose();
      }
    });

    it('uniqueKey: refused in a batch and when malformed, creating nothing; a requeue that would take a held key is refused', async () => {
      const e = await dispatchEngine(kind);
      try {
        const batch = await e.engine.client.enqueueBatch([new Echo('a', AT, BIG), { job: new Echo('b', AT, BIG), options: { uniqueKey: 'k' } }]);
        assert.equal(batch.isErr() && batch.error.kind, 'InvalidOptions');
        assert.match(batch.isErr() ? batch.error.message : '', /enqueueBatch does not take uniqueKey/);
        const batchWide = await e.engine.client.enqueueBatch([new Echo('a', AT, BIG)], { uniqueKey: 'k' } as never);
        assert.equal(batchWide.isErr() && batchWide.error.kind, 'InvalidOptions', 'a key for the whole batch (a JavaScript caller\'s) is refused, not ignored');
        assert.match(batchWide.isErr() ? batchWide.error.message : '', /^enqueueBatch does not take uniqueKey: .*uniqueKey is an option of a single job: enqueue, schedule and continueWith/, 'names the option and where it is taken');
        const malformed = await e.mediator.enqueue(new Echo('c', AT, BIG), { uniqueKey: '' });
        assert.equal(malformed.isErr() && malformed.error.kind, 'InvalidOptions');
        assert.match(malformed.isErr() ? malformed.error.message : '', /Unique key "" is invalid/);
        assert.equal(Object.values((await e.t.storage.stateCounts())._unsafeUnwrap()).reduce((a, b) => a + b, 0), 0, 'nothing was created');

        const old = await okOf(() => e.mediator.enqueue(new Echo('old', AT, BIG), { uniqueKey: 'report' }));
        assert.equal(await okOf(() => e.engine.client.delete(old)), true);
        const current = await okOf(() => e.mediator.enqueue(new Echo('current', AT, BIG), { uniqueKey: 'report' }));
        assert.notEqual(current, old);
        const requeue = await e.engine.client.requeue(old);
        assert.equal(requeue.isErr() && requeue.error.kind, 'InvalidOptions');
        assert.match(requeue.isErr() ? requeue.error.message : '', /another job with its unique key is waiting or running/);
        assert.equal(requeue.isErr() && requeue.error.kind === 'InvalidOptions' ? requeue.error.refusal : undefined, 'UniqueKeyHeld', 'the client error keeps the storage\'s mark');
        assert.equal((await e.t.storage.getState(old))._unsafeUnwrap(), 'Deleted', 'unchanged');
      } finally {
        await e.dispose();
      }
    });

    it('a response holding class instances is stored as their own fields: the job succeeds and the caller gets plain data', async () => {
      const e = await dispatchEngine(kind);
      try {
        registerOrders(e);
        await e.startServer();
        const quoted = await okOf(() => e.mediator.enqueueAwait(new QuoteOrder(7), { timeout: 30_000 }));
        assert.deepEqual(quoted, { total: { amount: 7, currency: 'EUR' }, lines: [{ amount: 7, currency: 'EUR' }] });
        assert.equal(Object.getPrototypeOf(quoted.total), Object.prototype, 'plain fields, not a Money (its methods and #private fields are not stored)');
        assert.deepEqual(e.logger.errors(), [], 'no job failed');
      } finally {
        await e.dispose();
      }
    });

    it('resolves with the typed response, Dates and bigints intact', async () => {
      const e = await dispatchEngine(kind);
      try {
        await e.startServer();
        const awaited = e.mediator.enqueueAwait(new Echo('hello', AT, BIG));
        expectType<ResultAsync<Echoed, AwaitError>>()(awaited);
        const response = await okOf(() => awaited);
        assert.deepEqual(response, { text: 'hello', at: AT, big: BIG });
        assert.ok(response.at instanceof Date);
        assert.equal(typeof response.big, 'bigint');
      } finally {
        await e.dispose();
      }
    });

    it('with a delay, and as a continuation', async () => {
      const e = await dispatchEngine(kind);
      try {
        await e.startServer();
        const started = Date.now();
        assert.equal((await okOf(() => e.mediator.enqueueAwait(new Echo('delayed', AT, BIG), { delay: 300 }))).text, 'delayed');
        assert.ok(Date.now() - started >= 250, 'not before its delay');
        const parent = await okOf(() => e.mediator.enqueue(new Echo('parent', AT, BIG)));
        assert.equal((await okOf(() => e.mediator.enqueueAwait(new Echo('child', AT, BIG), { continueFrom: parent }))).text, 'child');
      } finally {
        await e.dispose();
      }
    });

    it('a job that already finished when the wait starts resolves at once', async () => {
      const e = await dispatchEngine(kind, {}, {}, { pollIntervalMs: 60_000 });
      try {
        await e.startServer();
        const id = await okOf(() => e.mediator.enqueue(new Echo('early', AT, BIG)));
        await e.waitForState(id, 'Succeeded');
        // No notification will come, and the poll is a minute away: only the check after registering can see it.
        assert.equal(await okOf(() => e.watcher.waitFor(id, { timeoutMs: 5_000 })), 'Succeeded');
      } finally {
        await e.dispose();
      }
    });

    it('Failed after its retries: JobFailed with the recorded failure', async () => {
      const e = await dispatchEngine(kind, {}, { retry: { defaults: { attempts: 1, delaysMs: [0] } } });
      try {
        await e.startServer();
        const error = await errOf(() => e.mediator.enqueueAwait(new Explode('bomb')));
        assert.equal(error.kind, 'JobFailed');
        if (error.kind !== 'JobFailed') return;
        assert.deepEqual(e.attempts, ['bomb#1', 'bomb#2'], 'the retry ran before the wait ended');
        assert.equal(error.error.errorType, 'TypeError', 'the class of what the handler threw');
        assert.match(error.error.message, /bomb exploded/);
        assert.ok(error.error.failedAt instanceof Date);
        assert.equal((await e.t.storage.getState(error.jobId))._unsafeUnwrap(), 'Failed');
      } finally {
        await e.dispose();
      }
    });

    it('Deleted before it ran: JobDeleted with the reason', async () => {
      const e = await dispatchEngine(kind);
      try {
        const awaited = e.mediator.enqueueAwait(new Echo('doomed', AT, BIG), { delay: 60_000 });
        const id = await onlyJobIn(e, 'Scheduled');
        assert.equal((await e.engine.client.delete(id, 'no longer wanted'))._unsafeUnwrap(), true);
        const error = await errOf(() => awaited);
        assert.deepEqual(error, { kind: 'JobDeleted', jobId: id, reason: 'no longer wanted', message: `Job ${id} was deleted before it succeeded: no longer wanted` });
      } finally {
        await e.dispose();
      }
    });

    it('timeout: Timeout, and the job goes on running', async () => {
      const e = await dispatchEngine(kind);
      try {
        await e.startServer();
        const started = Date.now();
        const error = await errOf(() => e.mediator.enqueueAwait(new Gated('slow'), { timeout: 300 }));
        assert.equal(error.kind, 'Timeout');
        if (error.kind !== 'Timeout') return;
        assert.ok(Date.now() - started >= 290);
        assert.equal(error.timeoutMs, 300);
        assert.equal((await e.t.storage.getState(error.jobId))._unsafeUnwrap(), 'Processing');
        e.gates.open('slow');
        await e.waitForState(error.jobId, 'Succeeded');
        assert.equal(e.watcher.awaitedJobs, 0, 'nothing is left waiting');
      } finally {
        await e.dispose();
      }
    });

    it('abort: Aborted with the job id; aborted before: nothing is created', async () => {
      const e = await dispatchEngine(kind);
      try {
        await e.startServer();
        const controller = new AbortController();
        const awaited = e.mediator.enqueueAwait(new Gated('never'), { signal: controller.signal });
        const id = await onlyJobIn(e, 'Processing');
        controller.abort();
        assert.deepEqual(await errOf(() => awaited), { kind: 'Aborted', jobId: id, message: `Stopped waiting for job ${id}: the caller aborted the wait; the job was left as it is.` });
        assert.equal((await e.t.storage.getState(id))._unsafeUnwrap(), 'Processing', 'aborting the wait does not touch the job');

        const before = (await e.t.storage.stateCounts())._unsafeUnwrap();
        const error = await errOf(() => e.mediator.enqueueAwait(new Echo('too late', AT, BIG), { signal: AbortSignal.abort() }));
        assert.deepEqual([error.kind, 'jobId' in error ? error.jobId : 'none'], ['Aborted', undefined]);
        assert.deepEqual((await e.t.storage.stateCounts())._unsafeUnwrap(), before, 'nothing was created');
        assert.equal((await errOf(() => e.mediator.enqueueAwait(new Echo('bad', AT, BIG), { timeout: -5 }))).kind, 'InvalidOptions');
        // Longer than a timer can wait: it would time out at once, so it is refused before anything is created.
        const tooLong = await errOf(() => e.mediator.enqueueAwait(new Echo('bad', AT, BIG), { timeout: 30 * 24 * 3_600_000 }));
        assert.deepEqual([tooLong.kind, tooLong.message], ['InvalidOptions', 'timeout must be at most 2147483647 ms (about 24.8 days; leave it out to wait as long as it takes), not 2592000000']);
        assert.deepEqual((await e.t.storage.stateCounts())._unsafeUnwrap(), before, 'nothing was created');
        e.gates.open('never');
      } finally {
        await e.dispose();
      }
    });
  });
}
