import { createHash, randomUUID } from 'node:crypto';
import { closeSync, fstatSync, linkSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * The tokens of the locks this process holds. A lock naming this process's
 * pid with another token was left by an earlier process that had the same
 * pid: in a container every start is pid 1 under the same host name, so
 * after a crash the pid alone would keep the directory locked for good.
 */
export const tokensHeldHere = new Set<string>();

/** What a lock file holds: who has the directory open. */
export interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
  readonly since: string;
}

/** A new holder naming this process, with a token no other lock has. */
export function newHolder(): Holder {
  return { pid: process.pid, host: hostname(), token: randomUUID(), since: new Date().toISOString() };
}

/**
 * Creates the file at `path` holding `text` unless it exists; false when it
 * does. The file appears with its text already in it: written under a name
 * of its own first, then hard-linked to `path`, which fails if `path`
 * exists. Created empty and written after (open with O_EXCL), another
 * process reading in between found an empty file, took it for a lock left
 * by a crash and removed it, and both processes held the directory.
 * `beforePublish` lets a test act in that window.
 */
export function createExclusively(path: string, text: string, beforePublish: () => void = () => {}): boolean {
  // Same directory, so the link stays on one file system; no reader opens this name.
  const written = `${path}.${randomUUID()}.tmp`;
  writeFileSync(written, text, { flag: 'wx' });
  try {
    beforePublish();
    linkSync(written, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(written);
  }
}

/** A lock file as read once: the holder it names (none when unreadable), and a key naming this very file. */
export interface LockFile {
  readonly holder: Holder | undefined;
  readonly key: string;
}

/**
 * The lock file at `path`; undefined when there is none. Locks appear with
 * their text (see createExclusively), so an unreadable one was damaged (a
 * crash mid-write of the disk, a hand edit) and is taken over rather than
 * keep the directory locked for good. The key hashes the text, which holds
 * a token no other lock has, with the inode, which tells two unreadable
 * files apart; it is safe in a file name whatever the file holds.
 */
export function readLockFile(path: string): LockFile | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const text = readFileSync(fd, 'utf8');
    const key = createHash('sha256').update(`${fstatSync(fd).ino}\n${text}`).digest('hex').slice(0, 32);
    return { holder: parseHolder(text), key };
  } finally {
    closeSync(fd);
  }
}

/** The holder the lock file names; undefined when there is none or it cannot be read. */
export function readHolder(path: string): Holder | undefined {
  try {
    return parseHolder(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, host, token, since } = parsed as Record<string, unknown>;
    return typeof pid === 'number' && typeof host === 'string' && typeof token === 'string' && typeof since === 'string' ? { pid, host, token, since } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the file at `path` that `key` names (see readLockFile), judged
 * left by a process that is gone; undefined once it is gone, or the living
 * process found taking it over already.
 *
 * Reading a lock and removing it are two steps: of two processes that read
 * the same stale lock, the first removed it and created its own, and the
 * second then removed that new lock and created another, so both held the
 * directory. So a file is removed, other than by the process it names, only
 * under a claim: the file `<lock>.takeover-<key>`, created exclusively, and
 * only if the file there still has that key once the claim is held. No one
 * else can remove that file meanwhile (that would take the same claim), so
 * the file removed is the one judged stale; a late taker finds a new key
 * and leaves it. A claim is itself a lock file naming its taker, so a claim
 * left by a taker that died is taken over the same way.
 */
export function removeStale(lockPath: string, path: string, key: string): Holder | undefined {
  const claimPath = `${lockPath}.takeover-${key}`;
  const taker = newHolder();
  // A claim this process holds is alive to every reader (see holds).
  tokensHeldHere.add(taker.token);
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (createExclusively(claimPath, JSON.stringify(taker))) {
        try {
          if (readLockFile(path)?.key === key) unlinkSync(path);
        } finally {
          unlinkSync(claimPath);
        }
        return undefined;
      }
      const claim = readLockFile(claimPath);
      if (claim === undefined) continue; // Its taker finished meanwhile: claim it to see what is left.
      if (claim.holder !== undefined && holds(claim.holder)) return claim.holder;
      const taking = removeStale(lockPath, claimPath, claim.key);
      if (taking !== undefined) return taking;
    }
    // Claimed and given up by others each time: the caller looks at the lock again.
    return undefined;
  } finally {
    tokensHeldHere.delete(taker.token);
  }
}

/** Whether the process named in the lock still runs; a lock from another machine is always taken as held. */
export function holds(holder: Holder): boolean {
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
