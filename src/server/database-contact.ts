/**
 * Whether this server has been able to reach the database without a break,
 * as its heartbeat sees it. After an outage every server's heartbeat is
 * stale, the living ones' included: a watchdog must not judge others until
 * they have had a full ServerTimeout to write a heartbeat again.
 */
export class DatabaseContact {
  private failing = false;
  /** When the database answered again after a failure; undefined if it never failed. */
  private regainedAt: number | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  failed(): void {
    this.failing = true;
  }

  succeeded(): void {
    if (!this.failing) return;
    this.failing = false;
    this.regainedAt = this.now();
  }

  /** True when the database has answered without a break for at least `ms`. */
  steadyFor(ms: number): boolean {
    return !this.failing && (this.regainedAt === undefined || this.now() - this.regainedAt >= ms);
  }
}
