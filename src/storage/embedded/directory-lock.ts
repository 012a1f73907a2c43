import { mkdirSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createExclusively, holds, newHolder, readHolder, readLockFile, removeStale, tokensHeldHere, type Holder } from './lock-file.js';

/** The lock file's name inside the data directory. */
export const LOCK_FILE_NAME = 'mediator-jobs.lock';

/**
 * One process at a time per embedded data directory. PGlite keeps the whole
 * database in the memory of the process that opened it and writes it back
 * to the directory, with no lock of its own: a second process opening the
 * same directory works on its own copy, hands out the same job ids, runs the
 * same jobs, and whichever writes last loses the other's jobs. So the
 * directory gets a lock file, created exclusively, naming the process that
 * holds it; a second open (in this process or another) is refused. A lock
 * left by a process that is gone (killed, crashed) is taken over.
 */
export class DirectoryLock {
  private constructor(
    private readonly path: string,
    private readonly token: string,
  ) {}

  /** Takes the directory (creating it if needed), or throws saying who holds it. */
  static acquire(directory: string): DirectoryLock {
    mkdirSync(directory, { recursive: true });
    const path = join(directory, LOCK_FILE_NAME);
    const holder = newHolder();
    for (let attempt = 0; attempt < 2; attempt++) {
      if (createExclusively(path, JSON.stringify(holder))) {
        tokensHeldHere.add(holder.token);
        return new DirectoryLock(path, holder.token);
      }
      const current = readLockFile(path);
      if (current === undefined) continue; // Released meanwhile.
      if (current.holder !== undefined && holds(current.holder)) throw inUse(directory, path, current.holder);
      // Left behind by a process that is gone (or unreadable): take it over, unless another process is doing so.
      const taking = removeStale(path, path, current.key);
      if (taking !== undefined) throw inUse(directory, path, taking);
    }
    throw new Error(`the embedded data directory ${directory} could not be locked: ${path} keeps reappearing`);
  }

  /** Gives the directory back, unless the lock was taken over meanwhile (then it is not ours to remove). */
  release(): void {
    tokensHeldHere.delete(this.token);
    if (readHolder(this.path)?.token !== this.token) return;
    try {
      unlinkSync(this.path);
    } catch {
      // Removed by hand meanwhile: nothing to give back.
    }
  }
}

function inUse(directory: string, path: string, holder: Holder): Error {
  const who = holder.pid === process.pid && holder.host === hostname() ? 'this process' : `process ${holder.pid} on ${holder.host}`;
  return new Error(
    `the embedded data directory ${directory} is in use by ${who} (since ${holder.since}): one process at a time can open it. ` +
      `Use PostgreSQL for several processes; if no process has it open, delete ${path}.`,
  );
}
