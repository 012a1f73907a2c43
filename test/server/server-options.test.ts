/**
 * A server's own options (per-server overrides given in code) follow the
 * same rules as the settings they stand for: a bad one is refused when the
 * server starts, naming the option, and nothing runs. A duty that asks to
 * run again at once still lets the event loop turn.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { okAsync } from 'neverthrow';
import type { MediatorJobsOptions } from '../../src/config/options.js';
import { Request } from '../../src/mediator/index.js';
import { runProcessLoop } from '../../src/server/server-process.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { STORAGE_KINDS } from '../support/test-storage.js';
import { testEngine } from '../engine/support.js';

class Ping extends Request<string> {}

for (const kind of STORAGE_KINDS) {
  describe(`per-server options (${kind})`, () => {
    it('refuses bad overrides when the server starts, naming the option, and starts nothing', async () => {
      const e = await testEngine(kind, (registry) => void registry.addHandler(Ping, { handle: () => 'pong' })._unsafeUnwrap());
      try {
        const cases: [Partial<MediatorJobsOptions> | Record<string, unknown>, RegExp][] = [
          [{ workerCount: 0 }, /^server \S+ was not started: workerCount: WorkerCount 0 is invalid/],
          [{ workerCount: -3 }, /workerCount: WorkerCount -3 is invalid/],
          [{ workerCount: 2.5 }, /workerCount: WorkerCount 2.5 is invalid/],
          [{ heartbeatIntervalMs: -1 }, /heartbeatIntervalMs: HeartbeatInterval "-1ms" is invalid: a duration must be greater than zero/],
          [{ serverCheckIntervalMs: 0 }, /serverCheckIntervalMs: ServerCheckInterval "0ms" is invalid/],
          [{ queuePollIntervalMs: '1s' }, /queuePollIntervalMs "1s" is invalid: expected a number of milliseconds/],
          [{ queuePollIntervalMs: 2 ** 31 }, /queuePollIntervalMs: QueuePollInterval .* the longest delay Node timers support/],
          [{ heartbeatIntervalMs: 10_000, serverTimeoutMs: 5_000 }, /serverTimeoutMs: ServerTimeout "5000ms" is invalid: must be greater than HeartbeatInterval/],
          [{ queues: [] }, /queues: Queues \[\] is invalid/],
          [{ queues: ['a', 'a'] }, /queues: Queues .* is listed twice/],
          [{ serverName: 'x'.repeat(201) }, /serverName: ServerName "x+\.\.\. is invalid: use at most 200 characters/],
          [{ WorkerCount: 2 }, /WorkerCount 2 is invalid: not an option of a server; the options are storage, heartbeatIntervalMs/],
        ];
        for (const [overrides, message] of cases) {
          const server = e.engine.createServer(overrides);
          const started = await server.start();
          assert.ok(started.isErr(), `${JSON.stringify(overrides)} was accepted`);
          assert.equal(started.error.kind, 'InvalidOptions');
          assert.match(started.error.message, message);
        }
        assert.deepEqual((await e.t.storage.servers())._unsafeUnwrap(), [], 'no server announced itself');

        const server = e.engine.createServer({ workerCount: 2, queues: ['default'], heartbeatIntervalMs: 200 });
        (await server.start())._unsafeUnwrap();
        try {
          const id = (await e.engine.client.enqueue(new Ping()))._unsafeUnwrap();
          await e.waitForState(id, 'Succeeded');
        } finally {
          (await server.stop())._unsafeUnwrap();
        }
      } finally {
        await e.dispose();
      }
    });
  });
}

describe('server duties', () => {
  it('a duty that asks to run again at once lets a timer fire between its turns', async () => {
    const stop = new AbortController();
    const EAGER_TURNS = 10_000;
    let turns = 0;
    // Answers without any I/O, as the embedded database can, then rests: without a turn of the event loop
    // between its runs, the timer below could only fire once the duty rested, after all its eager turns.
    const loop = runProcessLoop({ name: 'eager', runOnce: () => okAsync(++turns < EAGER_TURNS ? 0 : 60_000) }, stop.signal, new RecordingLogger(), 1_000);
    await new Promise((resolve) => setTimeout(resolve, 1));
    const turnsBeforeTheTimer = turns;
    stop.abort();
    await loop.stopped;
    assert.ok(turnsBeforeTheTimer < EAGER_TURNS, `the timer fired after ${turnsBeforeTheTimer} turns`);
  });
});
