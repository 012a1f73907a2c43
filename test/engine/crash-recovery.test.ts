import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lineFrom } from '../support/child-process.js';
import { testEngine } from './support.js';
import { Crashable } from './fixtures/crashable.js';

// Killing a server needs a second process on the same database: PostgreSQL only.
describe('crash recovery (PostgreSql)', () => {
  it('a server killed with SIGKILL mid-job: another server runs the job again within about ServerTimeout', async () => {
    const runs: string[] = [];
    const e = await testEngine('PostgreSql', (registry) => {
      registry.addHandler(Crashable, { handle: (request: Crashable) => (runs.push(request.label), 'recovered') })._unsafeUnwrap();
    }, { ServerTimeout: '1s', ServerCheckInterval: '200ms', InvisibilityTimeout: '60s' }, { retry: false });
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'hanging-server.ts'), e.t.options.connectionString!, e.t.options.schemaName!], {
      cwd: join(import.meta.dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await lineFrom(child, /ready/, 30_000);
      const id = (await e.engine.client.enqueue(new Crashable('victim')))._unsafeUnwrap();
      const [, startedId] = await lineFrom(child, /started (\d+)/, 15_000);
      assert.equal(startedId, id);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      const killedAt = Date.now();
      // Only now does a healthy server join; it must not wait for the 60 s lease.
      await e.startServer({ ServerName: 'survivor' });
      await e.waitForState(id, 'Succeeded', 20_000);
      const recoveryMs = Date.now() - killedAt;
      assert.deepEqual(runs, ['victim'], 'the survivor ran it once');
      // Well under the lease; the margin is for a loaded machine (the survivor's start, the watchdog, the run).
      assert.ok(recoveryMs < 15_000, `recovered in ${recoveryMs} ms (ServerTimeout 1 s), not after the 60 s lease`);
      const history = (await e.t.storage.jobDetails(id))._unsafeUnwrap()!.history.map((h) => `${h.name}:${h.reason ?? ''}`);
      assert.ok(history.some((h) => h.startsWith('Enqueued:Server timed out')), history.join('\n'));
      const servers = (await e.t.storage.servers())._unsafeUnwrap().map((s) => s.name);
      assert.deepEqual(servers, ['survivor'], 'the dead server was removed');
    } finally {
      child.kill('SIGKILL');
      await e.dispose();
    }
  });
});
