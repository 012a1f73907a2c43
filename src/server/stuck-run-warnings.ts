import type { JobId } from '../storage/job-types.js';

/**
 * Which last run each `skipIfRunning` definition was warned about, so a run
 * stuck in a state that is not final is said at warn once, not at every
 * skipped tick (an every-second definition would say it 3,600 times an
 * hour). Kept per scheduler, in memory: each server warns once, and again
 * after a restart, which is what someone reading its log needs.
 */
export class StuckRunWarnings {
  private readonly warned = new Map<string, JobId | undefined>();

  /** True the first time `lastJobId` holds up the ticks of `recurringId`; false for the skips after it. */
  firstSkip(recurringId: string, lastJobId: JobId | undefined): boolean {
    if (this.warned.has(recurringId) && this.warned.get(recurringId) === lastJobId) return false;
    this.warned.set(recurringId, lastJobId);
    return true;
  }

  /** The definition is no longer held up: a later run that holds it up is warned about again. */
  forget(recurringId: string): void {
    this.warned.delete(recurringId);
  }
}
