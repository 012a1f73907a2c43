import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** A name unique to this process: host, pid and a random suffix (a restarted process gets a new one). */
export function uniqueServerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
