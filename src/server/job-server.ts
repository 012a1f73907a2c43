import { err, errAsync, ok, okAsync, ResultAsync, type Result } from 'neverthrow';
import { checkServerOptions } from '../config/check-server-options.js';
import { storageFailed, type JobError } from '../jobs/job-error.js';
import { containedLogger } from '../logging/logger.js';
import { ThrottledWarning } from '../logging/throttled-warning.js';
import type { Unsubscribe } from '../storage/database.js';
import { formatStorageError } from '../storage/storage-error.js';
import type { StorageEvent } from '../storage/storage-events.js';
import { uniqueServerName } from './server-name.js';
import { ServerRun, type JobServerDependencies } from './server-run.js';

export type { JobServerDependencies } from './server-run.js';
export { PROCESS_RETRY_DELAY_MS } from './server-run.js';

/** What a stop did. */
export interface StopReport {
  /** Jobs that had not finished within ShutdownTimeout and went back to the head of their queues. */
  readonly handedBack: number;
}

/** `idle`: never started, or stopped (a start may follow); the others say which call is under way. */
type Phase = 'idle' | 'starting' | 'running' | 'stopping';

/** The run in progress and what ties it to the storage. */
interface ActiveRun {
  readonly run: ServerRun;
  readonly unsubscribe: Unsubscribe;
  forgetClose: () => void;
}

/**
 * A job server (Hangfire's BackgroundJobServer): WorkerCount workers over the
 * configured queues, plus the delayed-job scheduler, heartbeat, watchdog,
 * expiration and counter aggregation, each a loop that survives its own
 * errors. Many servers, in one process or many machines, share one database.
 *
 * A stopped server can be started again (as pg-boss's `start` after `stop`):
 * each start is a new run (see ServerRun) under the same name, announced
 * again. Closing the storage under a running server stops it (see
 * storageClosed).
 */
export class JobServer {
  readonly name: string;
  private phase: Phase = 'idle';
  private active: ActiveRun | undefined;
  /** The start under way: a stop called meanwhile waits for it. */
  private starting: ResultAsync<void, JobError> | undefined;
  /** The stop under way: a second stop answers with its outcome. */
  private stopping: Promise<Result<StopReport, JobError>> | undefined;
  /** Warnings that anyone who may NOTIFY on the job channel can provoke: each at most once a minute. */
  private readonly junkNotification: ThrottledWarning;
  private readonly forgedDeletion: ThrottledWarning;
  /** Running jobs whose deletion is being checked: a flood of notices costs one read per job at a time. */
  private readonly deletionChecks = new Set<string>();

  private readonly deps: JobServerDependencies;

  constructor(deps: JobServerDependencies) {
    this.deps = { ...deps, logger: containedLogger(deps.logger) };
    const { options, logger } = this.deps;
    // An empty name counts as none, as it does in the settings.
    this.name = options.serverName === undefined || options.serverName === '' ? uniqueServerName() : options.serverName;
    this.junkNotification = new ThrottledWarning(logger);
    this.forgedDeletion = new ThrottledWarning(logger);
  }

  /**
   * Announces the server, starts listening for job events, then the workers
   * and duties. When the storage fails on the way (`StorageFailed`), nothing
   * was started and `start` may be called again; so may it once `stop` has
   * resolved. While the server runs or stops, `start` answers
   * `InvalidOptions` and changes nothing.
   */
  start(): ResultAsync<void, JobError> {
    if (this.phase === 'starting' || this.phase === 'running') return errAsync({ kind: 'InvalidOptions', message: `server ${this.name} is already running; stop it before starting it again` });
    if (this.phase === 'stopping') return errAsync({ kind: 'InvalidOptions', message: `server ${this.name} is stopping; start it again once its stop() has resolved` });
    const checked = this.deps.unreadableOptions !== undefined ? err(this.deps.unreadableOptions) : checkServerOptions(this.deps.options);
    if (checked.isErr()) return errAsync({ kind: 'InvalidOptions', message: `server ${this.name} was not started: ${checked.error.message}` });
    this.phase = 'starting';
    const { storage, options, logger } = this.deps;
    const run = new ServerRun(this.deps, this.name);
    const started = storage
      .announceServer({ name: this.name, workerCount: options.workerCount, queues: options.queues })
      .andThen(() => storage.subscribe((event) => this.onEvent(run, event), () => run.pool.notifyEnqueued(options.queues[0] ?? 'default')))
      .mapErr((error) => {
        // Nothing runs yet: the caller may start again (say, once the database is up). An announced row is
        // refreshed by that start, or removed by a watchdog after ServerTimeout.
        this.phase = 'idle';
        return storageFailed(error);
      })
      .map((unsubscribe) => {
        run.start();
        const active: ActiveRun = { run, unsubscribe, forgetClose: () => undefined };
        this.active = active;
        this.phase = 'running';
        logger.info(`Server ${this.name} started: ${options.workerCount} workers on ${options.queues.join(', ')}`);
        // Last: on a storage closed since the subscription, the listener is called at once and stops this run.
        active.forgetClose = storage.onClosed(() => this.storageClosed(active));
      });
    this.starting = started;
    return started;
  }

  /**
   * Graceful stop: no new fetches, running handlers' signals aborted, up to
   * ShutdownTimeout for them to finish, then unfinished jobs handed back to
   * the head of their queues; the server leaves the cluster. A stop while
   * the server starts waits for the start; a stop while it stops answers
   * with that stop's outcome. Once it resolves, the server may be started
   * again, even when leaving the cluster failed (its row is then removed by
   * a watchdog after ServerTimeout).
   */
  stop(): ResultAsync<StopReport, JobError> {
    if (this.phase === 'starting' && this.starting !== undefined) return this.starting.orElse(() => okAsync(undefined)).andThen(() => this.stop());
    if (this.phase === 'stopping' && this.stopping !== undefined) return new ResultAsync(this.stopping);
    if (this.phase !== 'running' || this.active === undefined) return okAsync({ handedBack: 0 });
    return new ResultAsync(this.endRun(this.active, true));
  }

  /**
   * Ends `active`. `storageOpen` false: the storage was closed, so the jobs
   * still held keep their leases and the server's row stays, for other
   * servers' watchdogs to remove after ServerTimeout (releasing those jobs),
   * or for the leases to expire; and the subscription is the storage's to
   * drop (it does so as it closes).
   */
  private endRun(active: ActiveRun, storageOpen: boolean): Promise<Result<StopReport, JobError>> {
    this.phase = 'stopping';
    this.active = undefined;
    const { storage, logger } = this.deps;
    const stopped = (async (): Promise<Result<StopReport, JobError>> => {
      // Still listening while the run stops: a storage closed meanwhile ends its heartbeat and renewals (see storageClosed).
      const handedBack = await active.run.stop(storageOpen);
      active.forgetClose();
      if (!storageOpen || active.run.storageGone) return ok({ handedBack: 0 });
      await active.unsubscribe();
      const removed = await storage.removeServer(this.name);
      if (removed.isErr()) return err(storageFailed(removed.error));
      logger.info(`Server ${this.name} stopped; ${handedBack} unfinished job(s) handed back`);
      return ok({ handedBack });
    })().finally(() => {
      this.phase = 'idle';
      this.stopping = undefined;
    });
    this.stopping = stopped;
    return stopped;
  }

  /**
   * The storage was closed under the running server (the application closed
   * it before stopping the server). Every statement would be refused from
   * now on, so the server stops instead of retrying and logging each duty's
   * failure every second, and says so once. Closed while the run stops, the
   * run only ends what it still writes (heartbeat, renewals, hand-back).
   */
  private storageClosed(active: ActiveRun): void {
    const held = active.run.heldJobs;
    const jobs = held === 0 ? '' : ` ${held} job(s) it held cannot be handed back: they run again once a watchdog of another server removes this one (ServerTimeout) or their leases expire (InvisibilityTimeout).`;
    if (this.active !== active) {
      // Closed while this run stops (a stop not awaited before the close): its heartbeat and lease renewals,
      // which go on while the handlers finish, would log every refused statement until ShutdownTimeout.
      active.run.storageClosed();
      this.deps.logger.warn(`The storage was closed while server ${this.name} was stopping.${jobs} Close the storage once the server's stop() has resolved.`);
      return;
    }
    this.deps.logger.warn(`The storage was closed while server ${this.name} was running, so the server stopped.${jobs} Stop the server before closing its storage.`);
    void this.endRun(active, false);
  }

  private onEvent(run: ServerRun, event: StorageEvent): void {
    // A run that is stopping or stopped fetches no more and has signalled its handlers: its notifications are no news.
    if (this.active?.run !== run) return;
    if (event.kind === 'Enqueued') run.pool.notifyEnqueued(event.queue);
    else if (event.kind === 'Unrecognized') this.junkNotification.warn(`Ignored a notification on the job channel that is not one mediator-jobs sends: ${JSON.stringify(event.payload.slice(0, 100))}`);
    else if (event.state === 'Deleted' && run.pool.holds(event.jobId) && !this.deletionChecks.has(event.jobId)) void this.abortIfDeleted(run, event.jobId);
  }

  /**
   * Aborts a running job only once the database says it is Deleted: anyone
   * who can NOTIFY on the channel could otherwise stop a running job with a
   * forged payload. (A job deleted for real also loses its lease, which the
   * next renewal notices; this only makes the abort prompt.)
   */
  private async abortIfDeleted(run: ServerRun, jobId: string): Promise<void> {
    this.deletionChecks.add(jobId);
    const state = await this.deps.storage.getState(jobId);
    this.deletionChecks.delete(jobId);
    // The run ended meanwhile: its stop signals the job anyway, and a read refused by a closed storage is no news.
    if (this.active?.run !== run) return;
    if (state.isErr()) this.deps.logger.warn(`Checking whether running job ${jobId} was deleted failed; the next lease renewal will tell: ${formatStorageError(state.error)}`, { jobId });
    else if (state.value === 'Deleted') run.pool.notifyDeleted(jobId);
    else this.forgedDeletion.warn(`Ignored a notification that running job ${jobId} was deleted: it is ${state.value ?? 'gone'}`, { jobId });
  }
}
