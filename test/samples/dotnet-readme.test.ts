import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '..', '..');

it('samples/dotnet-readme/main.ts (seed 000) runs on the embedded database and exits 0', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'samples', 'dotnet-readme', 'main.ts')], {
    cwd: root,
    timeout: 120_000,
    // The sample must not depend on the test database or the caller's settings.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
  });
  assert.match(stdout, /1\. appsettings\.json \(HangFireOptions\): Embedded storage, HeartbeatInterval 30000 ms, ServerCheckInterval 60000 ms, 4 workers/);
  assert.match(stdout, /StorageTypeName "MsSql" -> UnsupportedStorage: .*SQL Server storage is not available/);
  assert.match(stdout, /2\. configureJobServices \+ registerProcessorAsServer: server .+ started/);
  assert.match(stdout, /mediator\.enqueue\(new RebuildSearchIndex\('products'\)\) -> job \d+/);
  assert.match(stdout, /mediator\.enqueueAwait\(new ScheduleMeeting\('Kick-off', 3\)\) -> Ok: "Kick-off" starts 2030-01-04T09:00:00\.000Z \(a Date\)/);
  assert.match(stdout, /mediator\.enqueueAwait\(new ImportLedger\('q1\.csv'\)\) -> Err: JobFailed \(job \d+\): Error: ledger file q1\.csv not found/);
  assert.match(stdout, /dispatcher\.dispatch\(EmailSender, \(s\) => s\.send\(13, 'Hello'\)\) -> job \d+; the worker's EmailSender wrote: to user 13: Hello/);
  assert.match(stdout, /getLastSuccessfulRun\('Calendar\.ScheduleMeeting'\) -> \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/);
  assert.match(stdout, /getLastSuccessfulRun\('Reports\.Nightly'\) -> null/);
  assert.match(stdout, /getJobResultReturnedItems\(\d+\) -> 2 items: ACME-001 due 2030-02-01, ACME-002 due 2030-03-01/);
  assert.match(stdout, /getJobResultReturnedItem\(\d+\) -> "sent \\"Hello\\" to user 13"/);
  assert.match(stdout, /UseCustomHangFireDashboard.* is not built yet/);
  assert.match(stdout, /Server stopped, storage closed\./);
});
