/**
 * A stopped server starts again, as pg-boss's does: a new run under the same
 * name (announced again, its own workers and duties), with nothing of the
 * last run left over. Start and stop called at the wrong moment answer with
 * values and never leave the server half running.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Request } from '../../src/mediator/index.js';
import { STORAGE_KINDS, eventually } from '../support/test-storage.js';
import { testEngine, type TestEngine } from '../engine/support.js';
import { gate } from './gate.js';

class Ping extends Request<string> {}

/** Waits for the test's gate, ignoring its signal, as a handler that never reads it does. */
class Gated extends Request<string> {}

async function serverRows(e: TestEngine) {
  return (await e.t.storage.servers())._unsafeUnwrap();
}

for (const kind of STORAGE_KINDS) {
  describe(`restarting a server (${kind})`, () => {
    it('a stopped server starts again: announced anew, with workers, heartbeat and scheduler running', async () => {
      const e = await testEngine(kind, (registry) => void registry.addHandler(Ping, { handle: () => 'pong' })._unsafeUnwrap());
      const server = e.engine.createServer();
      try {
        (await server.start())._unsafeUnwrap();
        await e.waitForState((await e.engine.client.enqueue(new Ping()))._unsafeUnwrap(), 'Succeeded');
        const [first] = await serverRows(e);
        assert.ok(first !== undefined, 'the first run announced the server');
        assert.deepEqual((await server.stop())._unsafeUnwrap(), { handedBack: 0 });
        assert.deepEqual(await serverRows(e), [], 'the stop removed the server');

        (await server.start())._unsafeUnwrap();
        const [again] = await serverRows(e);
        assert.ok(again !== undefined, 'the second run announced the server again');
        assert.equal(again.name, server.name, 'under the same name');
        assert.ok(again.startedAt.getTime() > first.startedAt.getTime(), 'with a start time of its own');
        await eventually(async () => {
          const [row] = await serverRows(e);
          return row !== undefined && row.heartbeatAt.getTime() > row.startedAt.getTime() ? true : undefined;
        }, 'a heartbeat of the second run');
        await e.waitForState((await e.engine.client.enqueue(new Ping()))._unsafeUnwrap(), 'Succeeded');
        // Only the delayed-job scheduler moves a scheduled job into its queue.
        const scheduled = (await e.engine.client.schedule(new Ping(), 100))._unsafeUnwrap();
        await e.waitForState(scheduled, 'Succeeded');
        assert.deepEqual(e.logger.errors(), []);
      } finally {
        (await server.stop())._unsafeUnwrap();
        await e.dispose();
      }
    });

    it('start while running or stopping is an error value; a second stop answers with the first one\'s outcome', async () => {
      const gated = gate();
      const e = await testEngine(kind, (registry) => void registry.addHandler(Gated, gated.handler)._unsafeUnwrap(), { ShutdownTimeout: '300ms' }, { retry: false });
      const server = e.engine.createServer();
      try {
        (await server.start())._unsafeUnwrap();
        const running = (await server.start())._unsafeUnwrapErr();
        assert.equal(running.kind, 'InvalidOptions');
        assert.match(running.message, /is already running; stop it before starting it again/);

        const id = (await e.engine.client.enqueue(new Gated()))._unsafeUnwrap();
        await eventually(async () => (gated.runs.length === 1 ? true : undefined), 'the job to start');
        // The job ignores its signal: the stop waits out ShutdownTimeout, then hands it back.
        const stopping = server.stop();
        const whileStopping = (await server.start())._unsafeUnwrapErr();
        assert.equal(whileStopping.kind, 'InvalidOptions');
        assert.match(whileStopping.message, /is stopping; start it again once its stop\(\) has resolved/);
        const [first, second] = await Promise.all([stopping, server.stop()]);
        assert.deepEqual(first._unsafeUnwrap(), { handedBack: 1 });
        assert.deepEqual(second._unsafeUnwrap(), { handedBack: 1 }, 'the second stop waited for the first');
        assert.equal((await e.t.storage.getState(id))._unsafeUnwrap(), 'Enqueued');

        // The new run takes the job handed back; the first run's handler, still going, records nothing.
        (await server.start())._unsafeUnwrap();
        await eventually(async () => (gated.runs.length === 2 ? true : undefined), 'the new run to take the job');
        gated.open();
        await e.waitForState(id, 'Succeeded');
        assert.deepEqual(gated.runs, [id, id]);
        assert.deepEqual(e.logger.errors(), []);
      } finally {
        gated.open();
        (await server.stop())._unsafeUnwrap();
        await e.dispose();
      }
    });

    it('a stop called while the server starts waits for the start, then stops it for good', async () => {
      const e = await testEngine(kind, (registry) => void registry.addHandler(Ping, { handle: () => 'pong' })._unsafeUnwrap());
      const server = e.engine.createServer();
      try {
        const starting = server.start();
        const stopping = server.stop();
        (await starting)._unsafeUnwrap();
        assert.deepEqual((await stopping)._unsafeUnwrap(), { handedBack: 0 });
        assert.deepEqual(await serverRows(e), [], 'the server left the cluster');
        // Nothing of the run goes on: a job stays Enqueued for the next start.
        const id = (await e.engine.client.enqueue(new Ping()))._unsafeUnwrap();
        assert.equal((await e.t.storage.getState(id))._unsafeUnwrap(), 'Enqueued', 'no worker of the stopped run claimed it');
        (await server.start())._unsafeUnwrap();
        await e.waitForState(id, 'Succeeded');
      } finally {
        (await server.stop())._unsafeUnwrap();
        await e.dispose();
      }
    });
  });
}
