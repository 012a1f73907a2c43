/**
 * A server waiting out ShutdownTimeout for its handlers is alive: it keeps
 * renewing its jobs' leases and beating its heart, so no other server takes
 * those jobs over while they are still running (Hangfire's heartbeat, too,
 * goes on until the server's processes have stopped). Before, both stopped
 * when the stop began: with a lease or a ServerTimeout shorter than
 * ShutdownTimeout, another server ran the job a second time beside the
 * handler still finishing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errAsync } from 'neverthrow';
import { resolveOptions } from '../../src/config/index.js';
import { JobEngine } from '../../src/engine/job-engine.js';
import { Mediator, MediatorRegistry, Request, constructingResolver } from '../../src/mediator/index.js';
import type { JobStorage } from '../../src/storage/job-storage.js';
import type { StorageError } from '../../src/storage/storage-error.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { STORAGE_KINDS, eventually, openTestStorage } from '../support/test-storage.js';
import { FAST_SETTINGS, testEngine } from '../engine/support.js';
import { gate } from './gate.js';

/** A renewal the database gave up on (a statement timeout): nothing to do with a closed storage. */
const renewalTimedOut: StorageError = { kind: 'DatabaseError', operation: 'renewing leases', code: '57014', message: 'renewing leases failed: canceling statement due to statement timeout', cause: undefined };

/** The real storage, whose next renewal once `failNextRenewal` was called fails as `failure` (a fault injected in front of it). */
function renewalFailingOnce(storage: JobStorage, failure: StorageError): { storage: JobStorage; failNextRenewal(): void; failed(): boolean } {
  let armed = false;
  let failed = false;
  const faulty = Object.create(storage) as JobStorage;
  faulty.renewLeases = (leases, leaseMs) => {
    if (!armed) return storage.renewLeases(leases, leaseMs);
    armed = false;
    failed = true;
    return errAsync(failure);
  };
  return { storage: faulty, failNextRenewal: () => void (armed = true), failed: () => failed };
}

/** Waits for the test's gate, ignoring its signal, as a handler finishing its work during a stop does. */
class Gated extends Request<string> {}

for (const kind of STORAGE_KINDS) {
  describe(`a server stopping gracefully (${kind})`, () => {
    it('keeps its leases and its heartbeat while its handlers finish, so no other server runs their jobs again', async () => {
      const gated = gate();
      const { runs } = gated;
      // Lease and ServerTimeout far shorter than ShutdownTimeout: the stop outlasts both.
      const e = await testEngine(kind, (registry) => void registry.addHandler(Gated, gated.handler)._unsafeUnwrap(), { InvisibilityTimeout: '1s', ServerTimeout: '2s', HeartbeatInterval: '200ms', ServerCheckInterval: '200ms', ShutdownTimeout: '60s' }, { retry: false });
      const stopping = e.engine.createServer({ serverName: 'stopping' });
      const other = e.engine.createServer({ serverName: 'other' });
      const schema = `"${e.t.storage.schema.name}"`;
      try {
        (await stopping.start())._unsafeUnwrap();
        const id = (await e.engine.client.enqueue(new Gated()))._unsafeUnwrap();
        await eventually(async () => (runs.length === 1 ? true : undefined), 'the job to start');
        (await other.start())._unsafeUnwrap();

        const stopped = stopping.stop();
        const [clock] = await e.t.sql<{ now: Date }>('SELECT now() AS now');
        // Past the lease and past ServerTimeout since the stop began: the job's lease and the server's row must
        // have been kept fresh all along, and the other server (fetching, watching) must not have run the job.
        const pastBoth = clock!.now.getTime() + 2_500;
        await eventually(async () => {
          assert.deepEqual(runs, [id], 'no other server ran the job meanwhile');
          const [job] = await e.t.sql<{ visible_at: Date | null }>(`SELECT visible_at FROM ${schema}.jobs WHERE id = $1`, [id]);
          const [row] = await e.t.sql<{ heartbeat_at: Date }>(`SELECT heartbeat_at FROM ${schema}.servers WHERE name = 'stopping'`);
          assert.ok(row !== undefined, 'the stopping server was not removed as dead');
          return job?.visible_at !== null && job!.visible_at.getTime() > pastBoth && row.heartbeat_at.getTime() > pastBoth ? true : undefined;
        }, 'the lease and heartbeat to be renewed past ServerTimeout after the stop began', 15_000);

        gated.open();
        assert.deepEqual((await stopped)._unsafeUnwrap(), { handedBack: 0 }, 'the handler finished within ShutdownTimeout');
        await e.waitForState(id, 'Succeeded');
        assert.deepEqual(runs, [id], 'the job ran once');
        assert.deepEqual(e.logger.at('warn'), [], 'nobody was removed as dead, no lease was lost');
        assert.deepEqual(e.logger.errors(), []);
      } finally {
        gated.open();
        (await stopping.stop())._unsafeUnwrap();
        (await other.stop())._unsafeUnwrap();
        await e.dispose();
      }
    });

    it('warns when a lease renewal fails while it stops for any reason but a closed storage', async () => {
      const t = await openTestStorage(kind);
      const gated = gate();
      const { runs } = gated;
      const registry = new MediatorRegistry();
      registry.addHandler(Gated, gated.handler)._unsafeUnwrap();
      const logger = new RecordingLogger();
      const faulty = renewalFailingOnce(t.storage, renewalTimedOut);
      // Renewals every 200 ms (a third of the lease) while the stop waits for the gated handler.
      const options = resolveOptions({ ...FAST_SETTINGS, InvisibilityTimeout: '600ms', ShutdownTimeout: '60s' })._unsafeUnwrap();
      const engine = new JobEngine({ storage: faulty.storage, mediator: new Mediator(registry, constructingResolver), registry, resolver: constructingResolver, options, logger, retry: false });
      const server = engine.createServer();
      const renewalWarning = (message: string) => /^Renewing 1 leases failed; retrying at the next renewal: DatabaseError$/.test(message);
      try {
        (await server.start())._unsafeUnwrap();
        const id = (await engine.client.enqueue(new Gated()))._unsafeUnwrap();
        await eventually(async () => (runs.length === 1 ? true : undefined), 'the job to start');

        // stop() tells the worker pool synchronously: every renewal from here on is a renewal while stopping.
        const stopped = server.stop();
        faulty.failNextRenewal();
        await eventually(async () => (faulty.failed() ? true : undefined), 'a renewal to fail while the server stops');
        await eventually(async () => (logger.at('warn').some(renewalWarning) ? true : undefined), 'the failed renewal to be logged as a warning');

        gated.open();
        assert.deepEqual((await stopped)._unsafeUnwrap(), { handedBack: 0 }, 'the handler finished within ShutdownTimeout');
        assert.equal((await t.storage.getState(id))._unsafeUnwrap(), 'Succeeded', 'the next renewal kept the lease, and the job\'s outcome was recorded');
        assert.equal(logger.at('warn').filter(renewalWarning).length, 1, `one warning for the one failed renewal: ${JSON.stringify(logger.at('warn'))}`);
        assert.deepEqual(logger.errors(), [], 'nothing was logged as an error');
      } finally {
        gated.open();
        void (await server.stop());
        await t.dispose();
      }
    });
  });
}
