import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '..', '..');

it('samples/detection-run.ts (seed 002) runs on the embedded database and exits 0', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'samples', 'detection-run.ts')], {
    cwd: root,
    timeout: 120_000,
    // The sample must not depend on the test database or the caller's settings.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
  });
  assert.match(stdout, /Server DetectionServer: \d+ workers on queues detection, default/);
  assert.match(stdout, /monitor: job \d+ Succeeded after 2 retries: \{"detections":42\}/);
  assert.match(stdout, /monitor: job \d+ Failed: detection run 7d3f0c2e-5b1a-4c8e-9f00-000000000002, Error: GPU node unavailable for model missing-model/);
  assert.match(
    stdout,
    /History of job \d+: Scheduled -> Enqueued -> Processing -> Failed -> Scheduled\(\+50 ms\) -> Enqueued -> Processing -> Failed -> Scheduled\(\+100 ms\) -> Enqueued -> Processing -> Succeeded\n/,
  );
  assert.match(stdout, /Scheduled\(\+200 ms\) -> Enqueued -> Processing -> Failed\n/);
  assert.match(stdout, /cleanup for run 7d3f0c2e-5b1a-4c8e-9f00-000000000001/);
  assert.match(stdout, /cleanup for run 7d3f0c2e-5b1a-4c8e-9f00-000000000002/);
  assert.match(stdout, /Checked: run 1 succeeded on its third attempt, run 2 failed after 3 retries, both cleaned up\./);
  assert.match(stdout, /Server stopped, storage closed\./);
});
