import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { Logger } from '../logging/logger.js';
import type { StateMachine } from '../states/state-machine.js';
import type { DueJob, JobStorage } from '../storage/job-storage.js';
import type { JobId } from '../storage/job-types.js';
import { formatStorageError } from '../storage/storage-error.js';
import type { ServerProcess } from './server-process.js';

/** Longest the scheduler sleeps: how late a job can start if its wake-up was missed. */
export const DEFAULT_SCHEDULE_POLL_INTERVAL_MS = 1_000;
/** Due jobs read per round (their changes go to the database in a few batched statements). */
export const PROMOTE_BATCH_SIZE = 1_000;
/**
 * Waiting continuations read per round by the sweep: about 3 ms of database
 * time, and a pass over 20,000 of them in 80 rounds (about 80 s), which is
 * soon enough for a backstop.
 */
export const SWEEP_STEP = 250;

/**
 * Moves due Scheduled jobs (delayed jobs and retries) into their queues, then
 * sleeps until the next one is due, but never longer than the poll interval
 * (a job scheduled meanwhile by another process). A job scheduled 200 ms
 * ahead starts within about a second, instead of Hangfire's 15-second poll.
 *
 * Each due job moves through the state machine, as in Hangfire: elect-state
 * filters may redirect it (another queue, a later time, Deleted) and
 * apply-state filters hear that it was enqueued, as for every other
 * transition. The change is guarded by Scheduled, so when several servers
 * read the same due job only one moves it; the elect-state filters may then
 * run on each of them, the apply-state filters on the one that moved it.
 *
 * It also sweeps continuations whose parent finished while the process that
 * should have released them died (the backstop of the continuation handshake),
 * one bounded step per round: each step reads at most SWEEP_STEP waiting
 * continuations and the next round goes on after them, so a round costs the
 * same however many continuations wait (reading them all every round took
 * 81 ms with 20,000 waiting, every second, on every server).
 */
export class DelayedJobScheduler implements ServerProcess {
  readonly name = 'delayed job scheduler';
  /** Where the next step of the continuation sweep starts (the first waiting continuation when undefined). */
  private sweepAfter: JobId | undefined;

  constructor(
    private readonly storage: JobStorage,
    private readonly states: StateMachine,
    private readonly logger: Logger,
    private readonly pollIntervalMs: number = DEFAULT_SCHEDULE_POLL_INTERVAL_MS,
  ) {}

  runOnce(): ResultAsync<number, { message: string }> {
    return this.storage
      .dueScheduledJobs(PROMOTE_BATCH_SIZE)
      .mapErr((error) => ({ message: formatStorageError(error) }))
      .andThen((due) => this.promote(due).map((promoted) => ({ due: due.length, promoted })))
      .andThen(({ due, promoted }) => {
        if (promoted > 0) this.logger.debug(`Promoted ${promoted} scheduled job(s)`);
        if (due === PROMOTE_BATCH_SIZE) return okAsync(0);
        return this.storage
          .sweepContinuations(this.sweepAfter, SWEEP_STEP)
          .andThen(({ released, next }) => {
            this.sweepAfter = next;
            if (released.length > 0) this.logger.info(`Released ${released.length} continuation(s) whose parent had finished`, { released });
            // Measured by the database, whose clock decides due-ness: measured by this process's clock, running
            // ahead of the database's, a job not yet due looked due, and the scheduler went round at once until it was.
            return this.storage.scheduledDueInMs().map((dueInMs) => (dueInMs === undefined ? this.pollIntervalMs : Math.min(this.pollIntervalMs, Math.max(0, Math.ceil(dueInMs)))));
          })
          .mapErr((error) => ({ message: formatStorageError(error) }));
      });
  }

  /** Moves each due job on through the state machine, all at once (the server's state changes are batched); how many moved. */
  private promote(due: readonly DueJob[]): ResultAsync<number, { message: string }> {
    const moved = Promise.all(
      due.map((job) => this.states.transitionPromise({ job, currentState: 'Scheduled', candidate: { to: { name: 'Enqueued' }, reason: 'Scheduled time reached' } })),
    );
    return ResultAsync.fromSafePromise(moved).andThen((outcomes) => {
      let promoted = 0;
      for (const outcome of outcomes) {
        // A failure fails the round, and the scheduler's loop tries again: the jobs that did move are not read again.
        if (outcome.isErr()) return errAsync({ message: outcome.error.kind === 'StorageFailed' ? formatStorageError(outcome.error.error) : outcome.error.message });
        if (outcome.value.applied) promoted++;
      }
      return okAsync(promoted);
    });
  }
}
