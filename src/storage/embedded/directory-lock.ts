import { mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createExclusively, holds, newHolder, readHolder, tokensHeldHere } from './lock-file.js';

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
      const current = readHolder(path);
      if (current !== undefined && holds(current)) {
        const who = current.pid === process.pid && current.host === holder.host ? 'this process' : `process ${current.pid} on ${current.host}`;
        throw new Error(
          `the embedded data directory ${directory} is in use by ${who} (since ${current.since}): one process at a time can open it. ` +
            `Use PostgreSQL for several processes; if no process has it open, delete ${path}.`,
        );
      }
      // Left behind by a process that is gone (or unreadable): take it over. Of two processes doing so at
      // once, one creates the file first and the other finds it held.
      try {
        unlinkSync(path);
      } catch {
        // Already removed by the other taker.
      }
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
