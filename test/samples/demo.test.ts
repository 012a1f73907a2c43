import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '..', '..');

it('npm start (samples/demo.ts) runs on the embedded database, serves the dashboard, and exits 0 with --once', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'samples', 'demo.ts'), '--once'], {
    cwd: root,
    timeout: 120_000,
    // The demo must not depend on the test database or the caller's settings.
    // PORT 0: any free port, so the test never collides with a demo someone is running.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: '0' },
  });
  assert.match(stdout, /Configuration: Embedded storage, queues critical, default/);
  assert.match(stdout, /-> total 180/);
  assert.match(stdout, /the handler failed: no invoice lines for Bob/);
  assert.match(stdout, /Invoice for Flaky Ltd \(job \d+, attempt 2\): ok/);
  assert.match(stdout, /Invoice for Edsger \[critical\]: Succeeded -> total 6, issued at a Date/);
  assert.match(stdout, /SendInvoice \[default\]: Succeeded -> invoice e-mailed to Barbara/);
  assert.match(stdout, /Flaky Ltd history \(oldest first\): Enqueued -> Processing -> Failed -> Scheduled -> Enqueued -> Processing -> Succeeded/);
  assert.match(stdout, /-> Margaret: total 1200, issued at a Date/);
  assert.match(stdout, /-> JobFailed after its retries/);
  assert.match(stdout, /statistics: 6 succeeded, 1 failed, 1 server/);
  assert.match(stdout, /Dashboard: http:\/\/127\.0\.0\.1:\d+\/jobs/);
  assert.match(stdout, /the dashboard answered 200 \(overview page\)/);
  assert.match(stdout, /Server stopped/);
});
