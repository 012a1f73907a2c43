import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock file's name inside the data directory. */
export const LOCK_FILE_NAME = 'mediator-jobs.lock';

/**
 * The tokens of the locks this process holds. A lock naming this process's
 * pid with another token was left by an earlier process that had the same
 * pid: in a container every start is pid 1 under the same host name, so
 * after a crash the pid alone would keep the directory locked for good.
 */
const tokensHeldHere = new Set<string>();

/** What the lock file holds: who has the directory open. */
interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
  readonly since: string;
}

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
    const holder: Holder = { pid: process.pid, host: hostname(), token: randomUUID(), since: new Date().toISOString() };
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

/** Creates the file with `text` unless it exists; false when it does. */
function createExclusively(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(path: string): Holder | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, host, token, since } = parsed as Record<string, unknown>;
    return typeof pid === 'number' && typeof host === 'string' && typeof token === 'string' && typeof since === 'string' ? { pid, host, token, since } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process named in the lock still runs; a lock from another machine is always taken as held. */
function holds(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return tokensHeldHere.has(holder.token);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
