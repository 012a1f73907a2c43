import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lineFrom } from '../support/child-process.js';
import { okOf } from '../mediator/support/outcome.js';
import { Echo, dispatchEngine } from './support.js';

// Two processes on one database: PostgreSQL only (the embedded database lives in one process).
describe('enqueueAwait across processes (PostgreSql)', () => {
  it('this process runs no server; a server in a child process runs the job and the typed response arrives here', async () => {
    const e = await dispatchEngine('PostgreSql', {}, {}, { pollIntervalMs: 60_000 });
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'echo-server.ts'), e.t.options.connectionString!, e.t.options.schemaName!], {
      cwd: join(import.meta.dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await lineFrom(child, /ready/, 30_000);
      const at = new Date('2031-05-06T07:08:09.010Z');
      const started = Date.now();
      const response = await okOf(() => e.mediator.enqueueAwait(new Echo('across', at, 2n ** 70n), { timeout: 20_000 }));
      const elapsedMs = Date.now() - started;
      assert.deepEqual(response, { text: `child ${child.pid}: across`, at, big: 2n ** 70n + 1n });
      assert.ok(response.at instanceof Date);
      assert.equal(e.servers.length, 0, 'no server in this process');
      // The poll is a minute away: the answer came through the notification.
      assert.ok(elapsedMs < 10_000, `answered in ${elapsedMs} ms`);
      const succeeded = (await e.t.storage.jobsInState('Succeeded', { offset: 0, limit: 1 }))._unsafeUnwrap().items[0]!;
      const processing = (await e.t.storage.jobDetails(succeeded.id))._unsafeUnwrap()!.history.find((h) => h.name === 'Processing');
      assert.equal(processing?.data?.server, 'echo-child');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await e.dispose();
    }
  });
});
