import type { LogFields, Logger } from './logger.js';

/** How long a throttled warning stays quiet after it was written. */
export const DEFAULT_THROTTLE_WINDOW_MS = 60_000;

/**
 * A warning that anyone outside can provoke (whoever may NOTIFY on the job
 * channel can send it junk, thousands of times a second) is written at most
 * once per window, so a flood can neither fill the log nor cost a log line
 * per message. What was held back is counted and reported with the next
 * warning written.
 */
export class ThrottledWarning {
  private lastWrittenAt = Number.NEGATIVE_INFINITY;
  private heldBack = 0;

  constructor(
    private readonly logger: Logger,
    private readonly windowMs: number = DEFAULT_THROTTLE_WINDOW_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  warn(message: string, fields?: LogFields): void {
    const at = this.now();
    if (at - this.lastWrittenAt < this.windowMs) {
      this.heldBack += 1;
      return;
    }
    const held = this.heldBack > 0 ? ` (and ${this.heldBack} more like it since the last one logged, not logged)` : '';
    this.lastWrittenAt = at;
    this.heldBack = 0;
    this.logger.warn(message + held, fields);
  }
}
