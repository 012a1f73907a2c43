import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
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

/**
 * The holder the lock file names; undefined when there is none or it cannot
 * be read. Locks appear with their text (see createExclusively), so an
 * unreadable one was damaged (a crash mid-write of the disk, a hand edit),
 * and is taken over rather than keep the directory locked for good.
 */
export function readHolder(path: string): Holder | undefined {
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
