import { randomBytes } from 'node:crypto';

/**
 * Names the fetches and local claims of one worker pool and remembers which
 * are still on their way. Every job a request leases records its id, so the
 * pool's stray-lease check can tell a lost answer (the request is over, and
 * no worker holds the job) from one still coming, without waiting for a
 * moment when no request is in flight, and can leave alone the jobs of
 * another process that runs under the same configured ServerName (their ids
 * carry another prefix).
 */
export class LeaseRequests {
  /** This pool's own prefix: random, so no other process or pool shares it. */
  readonly prefix = `${randomBytes(6).toString('hex')}/`;
  private sequence = 0;
  private readonly open = new Set<string>();

  /** A new request's id, open until `end`. */
  begin(): string {
    const id = `${this.prefix}${++this.sequence}`;
    this.open.add(id);
    return id;
  }

  /** The request's answer was handled: its jobs were launched, or it failed. */
  end(id: string): void {
    this.open.delete(id);
  }

  /** Whether the request's answer may still arrive. */
  isOpen(id: string): boolean {
    return this.open.has(id);
  }
}
