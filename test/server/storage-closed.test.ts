/**
 * An application that closes the storage before stopping the server: the
 * server stops by itself with one warning, instead of logging each duty's
 * refused statement every second; the jobs it was running are not lost
 * (another server takes them once this one is found dead).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveOptions } from '../../src/config/index.js';
import { JobEngine } from '../../src/engine/job-engine.js';
import { Mediator, MediatorRegistry, Request, constructingResolver } from '../../src/mediator/index.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { STORAGE_KINDS, eventually, openTestStorage } from '../support/test-storage.js';
import { FAST_SETTINGS } from '../engine/support.js';
import { gate } from './gate.js';

/** Waits for the test's gate and ignores its signal, as a handler that never reads it does. */
class Gated extends Request<string> {}

/** Its first run stops when its signal aborts (interrupted, to be handed back); a later run finishes at once. */
class Cooperative extends Request<string> {}

for (const kind of STORAGE_KINDS) {
  describe(`closing the storage under a running server (${kind})`, () => {
    it('stops the server with one warning; its running job runs again on another server', async () => {
      const storageWarnings: string[] = [];
      const t = await openTestStorage(kind, { onWarning: (message) => void storageWarnings.push(message) });
      const gated = gate();
      const { runs } = gated;
      const registry = new MediatorRegistry();
      registry.addHandler(Gated, gated.handler)._unsafeUnwrap();
      registry.addHandler(Cooperative, {
        handle: (_request: Cooperative, context: { signal: AbortSignal; job?: { jobId: string } }) => {
          runs.push(context.job?.jobId ?? '?');
          if (runs.filter((id) => id === context.job?.jobId).length > 1) return Promise.resolve('done');
          return new Promise<string>((_resolve, reject) => context.signal.addEventListener('abort', () => reject(new Error('interrupted')), { once: true }));
        },
      })._unsafeUnwrap();
      const engineOn = (storage: typeof t.storage, logger: RecordingLogger, settings = {}) =>
        new JobEngine({ storage, mediator: new Mediator(registry, constructingResolver), registry, resolver: constructingResolver, options: resolveOptions({ ...FAST_SETTINGS, ...settings })._unsafeUnwrap(), logger, retry: false });
      const logger = new RecordingLogger();
      // A long ShutdownTimeout: the server's own stop waits for the job the test lets finish after the close.
      const engine = engineOn(t.storage, logger, { ShutdownTimeout: '10s' });
      const server = engine.createServer();
      const laterLogger = new RecordingLogger();
      const later = await openStorage(t.options);
      try {
        (await server.start())._unsafeUnwrap();
        const id = (await engine.client.enqueue(new Gated()))._unsafeUnwrap();
        const interrupted = (await engine.client.enqueue(new Cooperative()))._unsafeUnwrap();
        await eventually(async () => (runs.length === 2 ? true : undefined), 'both jobs to start');

        (await t.storage.close())._unsafeUnwrap();
        const stopped = (message: string) => /The storage was closed while server .+ was running, so the server stopped\. 2 job\(s\) it held cannot be handed back: .+ Stop the server before closing its storage\./.test(message);
        await eventually(async () => (logger.at('warn').some(stopped) ? true : undefined), 'the server to say it stopped');
        // One job stopped at its signal, the other finishes after the close: neither can be handed back nor
        // have its outcome recorded, which the warning already said.
        gated.open();
        assert.deepEqual((await server.stop())._unsafeUnwrap(), { handedBack: 0 }, 'stop waits for the server\'s own stop and answers as a stopped server does');
        assert.deepEqual(logger.errors(), [], 'no duty reported the refused statements');
        assert.deepEqual(logger.at('warn').filter((message) => !stopped(message)), [], 'one warning, no other');
        assert.deepEqual(storageWarnings, [], 'the storage closed without trouble');
        const restarted = (await server.start())._unsafeUnwrapErr();
        assert.equal(restarted.kind, 'StorageFailed', 'a closed storage cannot run a server');
        assert.ok(restarted.kind === 'StorageFailed' && restarted.error.kind === 'Closed', `the start names the closed storage: ${restarted.message}`);

        // The jobs kept their leases: a server on a storage opened again takes them once it finds the first one dead.
        const rows = await t.sql<{ state: string }>(`SELECT state FROM "${t.storage.schema.name}".jobs WHERE id = ANY($1) ORDER BY id`, [[id, interrupted]]);
        assert.deepEqual(rows.map((row) => row.state), ['Processing', 'Processing']);
        const reopened = later._unsafeUnwrap().storage;
        const other = engineOn(reopened, laterLogger, { ServerTimeout: '1s' }).createServer();
        (await other.start())._unsafeUnwrap();
        try {
          for (const jobId of [id, interrupted]) {
            await eventually(async () => ((await reopened.getState(jobId))._unsafeUnwrap() === 'Succeeded' ? true : undefined), `job ${jobId} to run again and succeed`, 20_000);
          }
        } finally {
          (await other.stop())._unsafeUnwrap();
        }
        assert.deepEqual([...runs].sort(), [id, id, interrupted, interrupted].sort(), 'each job ran once more');
        assert.deepEqual(laterLogger.errors(), []);
      } finally {
        gated.open();
        // Whatever the outcome: a server left running would keep the test process alive.
        void (await server.stop());
        if (later.isOk()) (await later.value.storage.close())._unsafeUnwrap();
        await t.dispose();
      }
    });

    it('closed while the server stops: the stop ends quietly, with one warning, and its job keeps its lease', async () => {
      const t = await openTestStorage(kind);
      const gated = gate();
      const { runs } = gated;
      const registry = new MediatorRegistry();
      registry.addHandler(Gated, gated.handler)._unsafeUnwrap();
      const logger = new RecordingLogger();
      // The stop waits out ShutdownTimeout for a job that ignores its signal; heartbeats (every 200 ms) and lease
      // renewals go on meanwhile, and would each be refused by the closed storage.
      const engine = new JobEngine({ storage: t.storage, mediator: new Mediator(registry, constructingResolver), registry, resolver: constructingResolver, options: resolveOptions({ ...FAST_SETTINGS, ShutdownTimeout: '1500ms', InvisibilityTimeout: '600ms' })._unsafeUnwrap(), logger, retry: false });
      const server = engine.createServer();
      try {
        (await server.start())._unsafeUnwrap();
        const id = (await engine.client.enqueue(new Gated()))._unsafeUnwrap();
        await eventually(async () => (runs.length === 1 ? true : undefined), 'the job to start');

        const stopping = server.stop();
        (await t.storage.close())._unsafeUnwrap();
        const stopped = await stopping;
        const warned = (message: string) => /The storage was closed while server .+ was stopping\. 1 job\(s\) it held cannot be handed back: .+ Close the storage once the server's stop\(\) has resolved\./.test(message);
        assert.deepEqual(logger.errors(), [], 'no heartbeat, renewal or hand-back reported the refused statements');
        assert.equal(logger.at('warn').filter(warned).length, 1, `one warning: ${JSON.stringify(logger.at('warn'))}`);
        assert.deepEqual(logger.at('warn').filter((message) => !warned(message)), []);
        assert.deepEqual(stopped._unsafeUnwrap(), { handedBack: 0 }, 'the stop ends as a stop under a closed storage does: nothing handed back, no error');
        const [row] = await t.sql<{ state: string }>(`SELECT state FROM "${t.storage.schema.name}".jobs WHERE id = $1`, [id]);
        assert.equal(row?.state, 'Processing', 'the job keeps its lease, for a watchdog or its expiry to release');
      } finally {
        gated.open();
        void (await server.stop());
        await t.dispose();
      }
    });
  });
}
