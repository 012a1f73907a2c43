import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errAsync, type ResultAsync } from 'neverthrow';
import { CompletionWatcher, type CompletionWatcherOptions } from '../../src/dispatch/completion-watcher.js';
import { JobMediator } from '../../src/dispatch/job-mediator.js';
import { Mediator, constructingResolver } from '../../src/mediator/index.js';
import type { Unsubscribe } from '../../src/storage/database.js';
import type { JobStorage } from '../../src/storage/job-storage.js';
import type { StorageError } from '../../src/storage/storage-error.js';
import { channelFor } from '../../src/storage/storage-events.js';
import { errOf, okOf } from '../mediator/support/outcome.js';
import { STORAGE_KINDS, eventually } from '../support/test-storage.js';
import { Echo, dispatchEngine, type DispatchEngine } from './support.js';

type Subscribe = JobStorage['subscribe'];

/**
 * The storage with its `subscribe` replaced, so a test can count
 * subscriptions or lose notifications the way a dropped connection would.
 */
function withSubscribe(storage: JobStorage, subscribe: (original: Subscribe) => Subscribe): JobStorage {
  const replaced = subscribe(storage.subscribe.bind(storage));
  return new Proxy(storage, {
    get(target, key) {
      if (key === 'subscribe') return replaced;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Subscriptions taken and dropped through the wrapped storage. */
function counting(storage: JobStorage): { storage: JobStorage; subscribed: () => number; unsubscribed: () => number } {
  let subscribed = 0;
  let unsubscribed = 0;
  const wrapped = withSubscribe(storage, (original) => (listener, onReconnect) => {
    subscribed += 1;
    return original(listener, onReconnect).map((unsubscribe): Unsubscribe => async () => {
      unsubscribed += 1;
      await unsubscribe();
    });
  });
  return { storage: wrapped, subscribed: () => subscribed, unsubscribed: () => unsubscribed };
}

/** A JobMediator of `e`'s engine whose watcher works on `storage` (a wrapped one). */
function mediatorOver(e: DispatchEngine, storage: JobStorage, options: CompletionWatcherOptions): { mediator: JobMediator; watcher: CompletionWatcher } {
  const watcher = new CompletionWatcher(storage, { logger: e.logger, ...options });
  return { mediator: new JobMediator(new Mediator(e.registry, constructingResolver), e.engine, watcher), watcher };
}

/** Backends whose last statement was a LISTEN on the engine's channel. */
async function listeningConnections(e: DispatchEngine): Promise<number> {
  const rows = await e.t.sql<{ count: number }>(
    `SELECT count(*)::int AS count FROM pg_stat_activity WHERE query ILIKE 'LISTEN%' AND position($1 IN query) > 0`,
    [channelFor(e.t.options.schemaName!)],
  );
  return rows[0]?.count ?? 0;
}

for (const kind of STORAGE_KINDS) {
  describe(`awaiting completions (${kind})`, () => {
    it('200 concurrent enqueueAwait calls each get their own response, over one subscription and one listening connection', async () => {
      const e = await dispatchEngine(kind, { WorkerCount: 20 });
      const { storage, subscribed } = counting(e.t.storage);
      const { mediator, watcher } = mediatorOver(e, storage, {});
      try {
        const count = 200;
        const awaits = Array.from({ length: count }, (_, i) => mediator.enqueueAwait(new Echo(`caller ${i}`, new Date(Date.UTC(2030, 0, 1, 0, 0, i)), BigInt(i) * 10n ** 18n)));
        // All of them stored and waiting before any can finish: no server runs yet.
        await eventually(async () => (watcher.awaitedJobs === count ? true : undefined), `${count} awaited jobs`);
        if (kind === 'PostgreSql') {
          // A wait counts as awaited as soon as it is registered; its LISTEN may
          // still be on its way (the first one opens the connection), so wait
          // for it to show before counting.
          const listening = await eventually(async () => {
            const count = await listeningConnections(e);
            return count > 0 ? count : undefined;
          }, 'the LISTEN of the awaited jobs');
          assert.equal(listening, 1, 'one listening connection for all the waits');
        }
        await e.startServer();
        const responses = await Promise.all(awaits.map((awaited) => okOf(() => awaited)));
        responses.forEach((response, i) => {
          assert.deepEqual(response, { text: `caller ${i}`, at: new Date(Date.UTC(2030, 0, 1, 0, 0, i)), big: BigInt(i) * 10n ** 18n });
        });
        assert.equal(subscribed(), 1, 'the watcher subscribed once for all 200');
        assert.equal(watcher.awaitedJobs, 0);
        if (kind === 'PostgreSql') {
          assert.equal(await listeningConnections(e), 1, 'the server shares that connection too');
        }
      } finally {
        (await watcher.close())._unsafeUnwrap();
        await e.dispose();
      }
    });

    it('the storage closed under open waits ends them at once with StorageFailed, not at the next poll', async () => {
      const e = await dispatchEngine(kind);
      // A poll far off: only hearing of the close can end the waits within the test's deadline.
      const { mediator, watcher } = mediatorOver(e, e.t.storage, { pollIntervalMs: 600_000 });
      try {
        const awaits = [mediator.enqueueAwait(new Echo('one', new Date(0), 1n)), mediator.enqueueAwait(new Echo('two', new Date(0), 2n))];
        await eventually(async () => (watcher.awaitedJobs === 2 ? true : undefined), 'both waits');
        (await e.t.storage.close())._unsafeUnwrap();
        let deadline: NodeJS.Timeout | undefined;
        const settled = await Promise.race([
          Promise.all(awaits.map(async (awaited) => await awaited)),
          new Promise<'still waiting'>((resolve) => (deadline = setTimeout(() => resolve('still waiting'), 10_000))),
        ]);
        clearTimeout(deadline);
        assert.ok(settled !== 'still waiting', 'the waits ended with the close, not at a poll ten minutes away');
        for (const outcome of settled) {
          assert.ok(outcome.isErr() && outcome.error.kind === 'StorageFailed' && outcome.error.error.kind === 'Closed', `StorageFailed naming the closed storage: ${JSON.stringify(outcome)}`);
        }
        assert.equal(watcher.awaitedJobs, 0);
      } finally {
        (await watcher.close())._unsafeUnwrap();
        await e.dispose();
      }
    });

    it('notifications lost: the poll still settles the wait', async () => {
      const e = await dispatchEngine(kind);
      const deaf = withSubscribe(e.t.storage, (original) => (_listener, onReconnect) => original(() => undefined, onReconnect));
      const { mediator, watcher } = mediatorOver(e, deaf, { pollIntervalMs: 150 });
      try {
        await e.startServer();
        assert.equal((await okOf(() => mediator.enqueueAwait(new Echo('polled', new Date(0), 1n)))).text, 'polled');
      } finally {
        (await watcher.close())._unsafeUnwrap();
        await e.dispose();
      }
    });

    it('after the listening connection is re-established, awaited jobs are read at once', async () => {
      const e = await dispatchEngine(kind);
      const reconnects: (() => void)[] = [];
      const deafStorage = withSubscribe(e.t.storage, (original) => (_listener, onReconnect) => {
        if (onReconnect !== undefined) reconnects.push(onReconnect);
        return original(() => undefined, onReconnect);
      });
      // Counts the watcher's state reads, to know its first check (right after subscribing) is over.
      let reads = 0;
      const deaf = new Proxy(deafStorage, {
        get(target, key) {
          const value: unknown = Reflect.get(target, key, target);
          if (key !== 'getOutcomes' || typeof value !== 'function') return value;
          return (...args: unknown[]) => (value as (...a: unknown[]) => ResultAsync<unknown, unknown>).apply(target, args).map((states) => {
            reads += 1;
            return states;
          });
        },
      });
      const { mediator, watcher } = mediatorOver(e, deaf, { pollIntervalMs: 600_000 });
      try {
        const awaited = mediator.enqueueAwait(new Echo('reconnected', new Date(0), 1n));
        await eventually(async () => (watcher.awaitedJobs === 1 ? true : undefined), 'the wait');
        // Only once the check after subscribing has read the job (still Enqueued) may the job run:
        // otherwise that check, not the reconnect, could be what sees it finished.
        await eventually(async () => (reads >= 1 ? true : undefined), 'the first state check');
        const id = (await e.t.storage.jobsInState('Enqueued', { offset: 0, limit: 1 }))._unsafeUnwrap().items[0]!.id;
        await e.startServer();
        await e.waitForState(id, 'Succeeded');
        assert.equal(watcher.awaitedJobs, 1, 'the lost notification left the wait open');
        for (const reconnected of reconnects) reconnected();
        assert.equal((await okOf(() => awaited)).text, 'reconnected');
      } finally {
        (await watcher.close())._unsafeUnwrap();
        await e.dispose();
      }
    });

    it('listening fails: polling carries on alone and the failure is logged', async () => {
      const e = await dispatchEngine(kind);
      const failure: StorageError = { kind: 'DatabaseError', operation: 'listening for job events', code: undefined, message: 'listening refused', cause: undefined };
      const broken = withSubscribe(e.t.storage, () => (): ResultAsync<Unsubscribe, StorageError> => errAsync(failure));
      const { mediator, watcher } = mediatorOver(e, broken, { pollIntervalMs: 150 });
      try {
        await e.startServer();
        assert.equal((await okOf(() => mediator.enqueueAwait(new Echo('unheard', new Date(0), 1n)))).text, 'unheard');
        assert.ok(e.logger.entries.some((entry) => entry.level === 'warn' && entry.message.includes('listening refused')));
      } finally {
        (await watcher.close())._unsafeUnwrap();
        await e.dispose();
      }
    });

    it('the subscription is dropped when idle and taken again by the next wait', async () => {
      const e = await dispatchEngine(kind);
      const { storage, subscribed, unsubscribed } = counting(e.t.storage);
      const { mediator, watcher } = mediatorOver(e, storage, { idleUnsubscribeMs: 50 });
      try {
        await e.startServer();
        await okOf(() => mediator.enqueueAwait(new Echo('first', new Date(0), 1n)));
        await eventually(async () => (unsubscribed() === 1 ? true : undefined), 'the idle subscription to be dropped');
        await okOf(() => mediator.enqueueAwait(new Echo('second', new Date(0), 2n)));
        assert.equal(subscribed(), 2);
      } finally {
        (await watcher.close())._unsafeUnwrap();
        await e.dispose();
      }
    });

    it('waiting for a job that does not exist, or with a bad id; closing ends open waits', async () => {
      const e = await dispatchEngine(kind);
      try {
        assert.equal((await errOf(() => e.watcher.waitFor('987654321'))).kind, 'JobNotFound');
        assert.equal((await errOf(() => e.watcher.waitFor('not an id'))).kind, 'InvalidOptions');
        assert.equal((await errOf(() => e.watcher.waitFor('987654321', { timeoutMs: 2 ** 31 }))).kind, 'InvalidOptions', 'a timeout no timer can wait');
        const id = (await e.mediator.enqueue(new Echo('never run', new Date(0), 1n)))._unsafeUnwrap();
        const open = e.watcher.waitFor(id);
        await eventually(async () => (e.watcher.awaitedJobs === 1 ? true : undefined), 'the wait');
        (await e.watcher.close())._unsafeUnwrap();
        assert.equal((await errOf(() => open)).kind, 'Aborted');
        assert.equal((await errOf(() => e.watcher.waitFor(id))).kind, 'Aborted');
      } finally {
        await e.dispose();
      }
    });
  });
}
