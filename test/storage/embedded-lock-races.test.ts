/**
 * Two processes racing for one embedded data directory's lock: whatever the
 * interleaving, at most one of them holds it. Each test runs the second
 * acquirer inside a window of the first (the same process stands in for
 * both, since its acquire is synchronous and cannot be paused from outside).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DirectoryLock, LOCK_FILE_NAME } from '../../src/storage/embedded/directory-lock.js';
import { createExclusively, newHolder, readHolder, readLockFile, removeStale } from '../../src/storage/embedded/lock-file.js';

// No process has pid 2^22 + 1 (above Linux's pid_max): a lock naming it was left by a process that is gone.
const GONE = 4_194_305;

function lockOf(pid: number, token: string): string {
  return JSON.stringify({ pid, host: hostname(), token, since: '2026-11-22T00:00:00.000Z' });
}

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

  it('takes over a stale lock once: a taker that read it before another took it over leaves the new lock alone', () => {
    // Both read the stale lock; the first removed it and created its own, then the second removed
    // that new lock (by name, as judged from its earlier read) and created another: both held it.
    const directory = mkdtempSync(join(tmpdir(), 'mj-lock-race-'));
    const path = join(directory, LOCK_FILE_NAME);
    try {
      writeFileSync(path, lockOf(GONE, 'gone'));
      const judgedByLate = readLockFile(path);
      assert.equal(judgedByLate?.holder?.pid, GONE);
      const first = DirectoryLock.acquire(directory);
      const firstLock = readHolder(path);
      assert.equal(firstLock?.pid, process.pid, 'the first took it over');

      assert.equal(removeStale(path, path, judgedByLate.key), undefined, 'the stale lock it judged is gone');
      assert.deepEqual(readHolder(path), firstLock, 'the late taker left the new lock in place');
      const late = tryAcquire(directory);
      assert.ok(late instanceof Error && /is in use by this process/.test(late.message), 'and is refused');
      assert.deepEqual(readdirSync(directory), [LOCK_FILE_NAME], 'no claim is left behind');
      first.release();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuses a stale lock another living process is taking over, and takes over one whose taker died', () => {
    const directory = mkdtempSync(join(tmpdir(), 'mj-lock-race-'));
    const path = join(directory, LOCK_FILE_NAME);
    try {
      writeFileSync(path, lockOf(GONE, 'gone'));
      const claimPath = `${path}.takeover-${readLockFile(path)?.key}`;
      // The parent of this process runs for as long as this test does.
      writeFileSync(claimPath, lockOf(process.ppid, 'taking'));
      const refused = tryAcquire(directory);
      assert.ok(refused instanceof Error, 'refused while the other takes it over');
      assert.match(refused.message, new RegExp(`is in use by process ${process.ppid} on .*: one process at a time can open it`));
      assert.equal(readHolder(path)?.token, 'gone', 'the stale lock is the other taker\'s to remove');

      writeFileSync(claimPath, lockOf(GONE, 'died-taking'));
      const taken = tryAcquire(directory);
      assert.ok(taken instanceof DirectoryLock, `a claim left by a taker that died does not lock the directory for good: ${taken instanceof Error ? taken.message : ''}`);
      assert.deepEqual(readdirSync(directory), [LOCK_FILE_NAME], 'the dead claim was removed with the stale lock');
      taken.release();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
