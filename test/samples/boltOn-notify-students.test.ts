import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '..', '..');

it('samples/boltOn-notify-students.ts (seed 001) runs on the embedded database and exits 0', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'samples', 'boltOn-notify-students.ts')], {
    cwd: root,
    timeout: 120_000,
    // The sample must not depend on the test database or the caller's settings.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
  });
  assert.match(stdout, /Recurring job "StudentsNotifier" \(\* \* \* \* \*, UTC\): "Student Notifier Recurring", next execution \d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z/);
  assert.match(stdout, /\[debug\] NotifyStudentsHandler: Notifying students\. JobType: Recurring/);
  assert.match(stdout, /\[debug\] NotifyStudentsHandler: Notifying students\. JobType: OneTime/);
  assert.match(stdout, /job \d+: Student Notifier Recurring \[Succeeded\] recurring "StudentsNotifier"/);
  assert.match(stdout, /job \d+: Student Notifier OneTime \[Succeeded\]/);
  assert.match(stdout, /"Student Notifier OneTime": Scheduled -> Enqueued -> Processing -> Succeeded, started \d+ ms after it was scheduled/);
  assert.match(stdout, /Server stopped, storage closed\./);
});
