/** Servers: announcement, heartbeats, and the watchdog that removes silent servers and frees their jobs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StorageKind } from '../../support/test-storage.js';
import { createEach, fetchOk, stateOf, succeed, withStorage } from './support.js';

export function serverContract(kind: StorageKind): void {
  describe(`servers and watchdog (${kind})`, () => {
    it('announces, heartbeats, lists and removes servers', () =>
      withStorage(kind, async ({ storage }) => {
        assert.deepEqual((await storage.servers())._unsafeUnwrap(), []);
        (await storage.announceServer({ name: 'alpha', workerCount: 4, queues: ['critical', 'default'] }))._unsafeUnwrap();
        (await storage.announceServer({ name: 'beta', workerCount: 1, queues: ['default'] }))._unsafeUnwrap();
        const listed = (await storage.servers())._unsafeUnwrap();
        assert.deepEqual(listed.map((s) => [s.name, s.workerCount, s.queues]), [['alpha', 4, ['critical', 'default']], ['beta', 1, ['default']]]);
        assert.ok(listed.every((s) => s.startedAt instanceof Date && s.heartbeatAt instanceof Date));

        assert.equal((await storage.heartbeat('alpha'))._unsafeUnwrap(), true);
        (await storage.announceServer({ name: 'alpha', workerCount: 8, queues: ['default'] }))._unsafeUnwrap();
        const refreshed = (await storage.servers())._unsafeUnwrap().find((s) => s.name === 'alpha');
        assert.deepEqual([refreshed?.workerCount, refreshed?.queues], [8, ['default']], 'announcing again refreshes the row');

        (await storage.removeServer('alpha'))._unsafeUnwrap();
        (await storage.removeServer('never-existed'))._unsafeUnwrap();
        assert.deepEqual((await storage.servers())._unsafeUnwrap().map((s) => s.name), ['beta']);
        assert.equal((await storage.heartbeat('alpha'))._unsafeUnwrap(), false, 'a removed server must announce again');
      }));

    it('removes a silent server and releases its Processing jobs to the head of their queues at once', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        (await storage.announceServer({ name: 'dead', workerCount: 2, queues: ['default'] }))._unsafeUnwrap();
        (await storage.announceServer({ name: 'alive', workerCount: 2, queues: ['default'] }))._unsafeUnwrap();
        const [a, b, c] = await createEach(storage, 3);
        const deadJobs = await fetchOk(storage, { owner: 'dead', limit: 2, request: 'dead/1' });
        const [aliveJob] = await fetchOk(storage, { owner: 'alive', limit: 1 });
        assert.deepEqual(deadJobs.map((j) => j.id), [a, b]);
        assert.equal(aliveJob?.id, c);
        const younger = await createEach(storage, 1);
        await t.sql(`UPDATE ${storage.schema.quoted}.servers SET heartbeat_at = now() - interval '1 hour' WHERE name = 'dead'`);

        const removed = (await storage.removeDeadServers(60_000))._unsafeUnwrap();
        assert.deepEqual(removed, { servers: ['dead'], releasedJobs: [a, b] });
        assert.deepEqual((await storage.servers())._unsafeUnwrap().map((s) => s.name), ['alive']);
        assert.equal(await stateOf(storage, c!), 'Processing', "a live server's job is untouched");

        const details = (await storage.jobDetails(a!))._unsafeUnwrap()!;
        assert.equal(details.state, 'Enqueued');
        assert.equal(details.leaseOwner, undefined);
        assert.deepEqual(await t.sql(`SELECT lease_request FROM ${storage.schema.quoted}.jobs WHERE id = $1`, [a]), [{ lease_request: null }], 'the lease\'s request goes with it');
        assert.deepEqual([details.history[0]?.name, details.history[0]?.reason, details.history[0]?.data], ['Enqueued', 'Server timed out; job released to its queue', { server: 'dead' }]);

        const refetched = await fetchOk(storage, { owner: 'alive', limit: 10 });
        assert.deepEqual(refetched.map((j) => j.id), [a, b, ...younger], 'fetchable at once, ahead of younger jobs, though the lease had 30 s left');
        assert.deepEqual(refetched.map((j) => j.fetchCount), [2, 2, 1]);
        assert.equal(await succeed(storage, deadJobs[0]!), false, 'the dead server, if it comes back, cannot complete what it lost');
        assert.equal(await succeed(storage, refetched[0]!), true);

        assert.equal((await storage.heartbeat('dead'))._unsafeUnwrap(), false, 'the removed server learns it must announce again');
        assert.deepEqual((await storage.removeDeadServers(60_000))._unsafeUnwrap(), { servers: [], releasedJobs: [] });
      }));
  });
}
