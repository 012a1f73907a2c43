/**
 * One process at a time per embedded data directory: a second open is
 * refused with who holds it, a lock left by a process that is gone is taken
 * over, and closing gives the directory back. (Two processes on one
 * directory each ran the same jobs and lost each other's.)
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LOCK_FILE_NAME } from '../../src/storage/embedded/directory-lock.js';
import { openStorage, type OpenedStorage } from '../../src/storage/open-storage.js';
import type { StorageError } from '../../src/storage/storage-error.js';

async function open(directory: string): Promise<Awaited<ReturnType<typeof openStorage>>> {
  return openStorage({ type: 'Embedded', embeddedDataDirectory: directory, schemaName: 'locked' });
}

async function enqueueOne(opened: OpenedStorage): Promise<string> {
  return (await opened.storage.createJob({ queue: 'default', state: { name: 'Enqueued' }, typeName: 'Noop', payload: {} }))._unsafeUnwrap();
}

function messageOf(error: StorageError): string {
  return 'message' in error ? error.message : error.kind;
}

describe('embedded data directory lock', () => {
  it('refuses a second open while the first is open, and opens again once it is closed', async () => {
    const directory = join(mkdtempSync(join(tmpdir(), 'mj-lock-')), 'data');
    try {
      const first = (await open(directory))._unsafeUnwrap();
      const id = await enqueueOne(first);
      const second = await open(directory);
      assert.ok(second.isErr(), 'the second open was refused');
      assert.equal(second.error.kind, 'DatabaseError');
      assert.match(messageOf(second.error), /opening the embedded database failed: the embedded data directory .*data is in use by this process \(since .*\): one process at a time can open it/);
      assert.equal(await enqueueOne(first), String(Number(id) + 1), 'the first goes on, its ids untouched');
      (await first.storage.close())._unsafeUnwrap();
      assert.ok(!existsSync(join(directory, LOCK_FILE_NAME)), 'closing gave the directory back');

      const again = (await open(directory))._unsafeUnwrap();
      assert.equal((await again.storage.stateCounts())._unsafeUnwrap().Enqueued, 2, 'both jobs were kept');
      (await again.storage.close())._unsafeUnwrap();
    } finally {
      rmSync(join(directory, '..'), { recursive: true, force: true });
    }
  });

  it('refuses a directory another living process holds, and takes over a lock whose process is gone', async () => {
    const directory = join(mkdtempSync(join(tmpdir(), 'mj-lock-')), 'data');
    const lockFile = join(directory, LOCK_FILE_NAME);
    try {
      (await (await open(directory))._unsafeUnwrap().storage.close())._unsafeUnwrap();
      // The parent of this process runs for as long as this test does.
      writeFileSync(lockFile, JSON.stringify({ pid: process.ppid, host: hostname(), token: 'other', since: '2026-11-22T00:00:00.000Z' }));
      const held = await open(directory);
      assert.ok(held.isErr());
      assert.match(messageOf(held.error), new RegExp(`in use by process ${process.ppid} on `));

      // No process has pid 2^22 + 1 (above Linux's pid_max): left behind by a process that is gone.
      writeFileSync(lockFile, JSON.stringify({ pid: 4_194_305, host: hostname(), token: 'gone', since: '2026-11-22T00:00:00.000Z' }));
      const taken = (await open(directory))._unsafeUnwrap();
      await enqueueOne(taken);
      (await taken.storage.close())._unsafeUnwrap();

      writeFileSync(lockFile, 'not a lock');
      const overUnreadable = (await open(directory))._unsafeUnwrap();
      (await overUnreadable.storage.close())._unsafeUnwrap();
    } finally {
      rmSync(join(directory, '..'), { recursive: true, force: true });
    }
  });

  it('takes over a lock naming this process id that this process never took (a restart that got the same pid)', async () => {
    // In a container the process is pid 1 on every start, under the same host name: the lock a
    // crashed run left names the pid the restarted process has now, which no open of this process made.
    const directory = join(mkdtempSync(join(tmpdir(), 'mj-lock-')), 'data');
    try {
      (await (await open(directory))._unsafeUnwrap().storage.close())._unsafeUnwrap();
      writeFileSync(join(directory, LOCK_FILE_NAME), JSON.stringify({ pid: process.pid, host: hostname(), token: 'before-the-crash', since: '2026-11-22T00:00:00.000Z' }));
      const reopened = await open(directory);
      assert.ok(reopened.isOk(), `the lock of the crashed run was taken over, not refused: ${reopened.isErr() ? messageOf(reopened.error) : ''}`);
      const second = await open(directory);
      assert.ok(second.isErr(), 'a second open in this process is still refused');
      assert.match(messageOf(second.error), /in use by this process/, 'and says this process holds it');
      (await reopened.value.storage.close())._unsafeUnwrap();
    } finally {
      rmSync(join(directory, '..'), { recursive: true, force: true });
    }
  });

  it('locks a file:// data directory as the directory PGlite opens, and refuses a scheme PGlite keeps elsewhere', async () => {
    // PGlite reads "file:///x" as the directory /x, and "memory://..." as no directory at all; the lock
    // was taken on the text as a relative path ("file:/x" under the working directory), so /x opened
    // as a path and as a file:// URL ran twice on one directory.
    const directory = join(mkdtempSync(join(tmpdir(), 'mj-lock-')), 'data');
    const strayRoot = join(process.cwd(), 'file:');
    try {
      const first = (await open(directory))._unsafeUnwrap();
      try {
        const asUrl = await open(`file://${directory}`);
        assert.ok(asUrl.isErr(), 'the same directory as a file:// URL is refused while it is open');
        assert.match(messageOf(asUrl.error), /is in use by this process/, 'refused as in use');
      } finally {
        (await first.storage.close())._unsafeUnwrap();
      }
      assert.ok(!existsSync(strayRoot), 'no "file:" directory was made under the working directory');
      const viaUrl = (await open(`file://${directory}`))._unsafeUnwrap();
      assert.ok(existsSync(join(directory, LOCK_FILE_NAME)), 'a file:// open locks the directory itself');
      (await viaUrl.storage.close())._unsafeUnwrap();

      const inMemory = await open('memory://jobs');
      assert.ok(inMemory.isErr(), 'a memory:// data directory is refused');
      assert.equal(inMemory.error.kind, 'InvalidInput', 'as bad input');
      assert.match(messageOf(inMemory.error), /EmbeddedDataDirectory "memory:\/\/jobs" is not a directory path: leave it unset to keep the database in memory/, 'saying what to do instead');
      assert.ok(!existsSync(join(process.cwd(), 'memory:')), 'no "memory:" directory was made');
    } finally {
      rmSync(join(directory, '..'), { recursive: true, force: true });
      rmSync(strayRoot, { recursive: true, force: true });
      rmSync(join(process.cwd(), 'memory:'), { recursive: true, force: true });
    }
  });
});
