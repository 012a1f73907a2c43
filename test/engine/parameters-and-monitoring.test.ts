import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackgroundJobClient } from '../../src/client/background-job-client.js';
import { Request, type HandlerContext } from '../../src/mediator/index.js';
import { STORAGE_KINDS } from '../support/test-storage.js';
import { testEngine } from './support.js';

class Detect extends Request<{ found: number; at: Date }> {
  constructor(readonly runId: string, readonly fail = false) {
    super();
  }
}

for (const kind of STORAGE_KINDS) {
  describe(`job parameters and the monitoring API (${kind})`, () => {
    it('handlers and callers read and write parameters; monitoring shows decoded payload, parameters, result, error and history', async () => {
      // The handler needs the engine's client, which exists once the engine does.
      const engineClient: { current?: BackgroundJobClient } = {};
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Detect, {
          handle: async (request: Detect, context: HandlerContext) => {
            const jobId = context.job!.jobId;
            const priority = (await engineClient.current!.getParameter<string>(jobId, 'priority'))._unsafeUnwrap();
            (await engineClient.current!.setParameter(jobId, 'seenPriority', priority ?? 'none'))._unsafeUnwrap();
            if (request.fail) throw new RangeError(`run ${request.runId} exploded`);
            return { found: 3, at: new Date('2026-01-02T03:04:05Z') };
          },
        })._unsafeUnwrap();
      }, {}, { retry: false });
      const client = e.engine.client;
      engineClient.current = client;
      try {
        const ok = (await client.enqueue(new Detect('r-1'), { parameters: { detectionRunId: 'r-1', requestedAt: new Date('2026-01-01T00:00:00Z') } }))._unsafeUnwrap();
        (await client.setParameter(ok, 'priority', 'high'))._unsafeUnwrap();
        const bad = (await client.enqueue(new Detect('r-2', true)))._unsafeUnwrap();
        await e.startServer();
        await e.waitForState(ok, 'Succeeded');
        await e.waitForState(bad, 'Failed');

        const view = (await e.engine.monitoring.jobDetails(ok))._unsafeUnwrap();
        assert.deepEqual(view.payload, { runId: 'r-1', fail: false });
        assert.deepEqual(view.parameters, { detectionRunId: 'r-1', requestedAt: new Date('2026-01-01T00:00:00Z'), priority: 'high', seenPriority: 'high' });
        assert.deepEqual(view.result, { found: 3, at: new Date('2026-01-02T03:04:05Z') });
        assert.equal(view.error, undefined);
        assert.deepEqual(view.history.map((h) => h.name), ['Succeeded', 'Processing', 'Enqueued'], 'history newest first');
        assert.equal(view.displayName, 'Detect');

        const failed = (await e.engine.monitoring.jobDetails(bad))._unsafeUnwrap();
        assert.equal(failed.state, 'Failed');
        assert.equal(failed.error?.data?.errorType, 'RangeError');
        assert.match(JSON.stringify(failed.error?.data?.stack), /RangeError: run r-2 exploded/);

        const stats = (await e.engine.monitoring.statistics())._unsafeUnwrap();
        assert.equal(stats.Succeeded, 1);
        assert.equal(stats.Failed, 1);
        assert.equal(stats.servers, 1);
        const page = (await e.engine.monitoring.jobs('Succeeded', 1, 10))._unsafeUnwrap();
        assert.deepEqual(page.items.map((j) => j.id), [ok]);

        assert.equal((await e.engine.monitoring.jobDetails('424242'))._unsafeUnwrapErr().kind, 'JobNotFound');
        assert.equal((await e.engine.monitoring.jobDetails('nope'))._unsafeUnwrapErr().kind, 'InvalidOptions');
        assert.equal((await client.getParameter('424242', 'x'))._unsafeUnwrapErr().kind, 'JobNotFound');
        assert.equal((await client.setParameter(ok, 'fn', () => 1))._unsafeUnwrapErr().kind, 'Unserializable');
      } finally {
        await e.dispose();
      }
    });
  });
}
