/**
 * Two processes racing for one embedded data directory's lock: whatever the
 * interleaving, at most one of them holds it. Each test runs the second
 * acquirer inside a window of the first (the same process stands in for
 * both, since its acquire is synchronous and cannot be paused from outside).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DirectoryLock, LOCK_FILE_NAME } from '../../src/storage/embedded/directory-lock.js';
import { createExclusively, newHolder, readHolder } from '../../src/storage/embedded/lock-file.js';

function tryAcquire(directory: string): DirectoryLock | Error {
  try {
    return DirectoryLock.acquire(directory);
  } catch (error) {
    return error as Error;
  }
}

describe('embedded data directory lock races', () => {
  it('never shows a lock without its holder: an acquirer running while another creates the lock does not take it for a crashed one', () => {
    // The lock was created empty and written after: an acquirer reading in between found no holder in
    // it, removed it as left by a crash and took the directory, and the first went on holding it too.
    const directory = mkdtempSync(join(tmpdir(), 'mj-lock-race-'));
    const path = join(directory, LOCK_FILE_NAME);
    try {
      const first = newHolder();
      let second: DirectoryLock | Error | undefined;
      const firstCreated = createExclusively(path, JSON.stringify(first), () => {
        second = tryAcquire(directory);
      });
      assert.ok(second instanceof DirectoryLock, `the acquirer in the window found no lock and took it: ${second instanceof Error ? second.message : 'it did not run'}`);
      assert.equal(firstCreated, false, 'so the first did not create it as well');
      assert.notEqual(readHolder(path)?.token, first.token, 'the lock names the second');
      assert.deepEqual(readdirSync(directory), [LOCK_FILE_NAME], 'no file written on the way is left behind');
      second.release();
      assert.deepEqual(readdirSync(directory), [], 'released');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
