import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { checkServerOptions } from '../config/check-server-options.js';
import type { MediatorJobsOptions } from '../config/options.js';
import type { JobFilterRegistry } from '../filters/filter-registry.js';
import { storageFailed, type JobError } from '../jobs/job-error.js';
import type { JobCatalog } from '../jobs/job-invocation.js';
import { containedLogger, type Logger } from '../logging/logger.js';
import { ThrottledWarning } from '../logging/throttled-warning.js';
import type { IMediator } from '../mediator/mediator-interface.js';
import type { ServiceResolver } from '../mediator/service-resolver.js';
import { StateMachine } from '../states/state-machine.js';
import type { Unsubscribe } from '../storage/database.js';
import type { JobStorage } from '../storage/job-storage.js';
import { formatStorageError } from '../storage/storage-error.js';
import type { StorageEvent } from '../storage/storage-events.js';
import { batchedStateChanges } from './batched-state-changes.js';
import { DatabaseContact } from './database-contact.js';
import { COUNTERS_AGGREGATE_INTERVAL_MS, CounterAggregator } from './counter-aggregator.js';
import { DelayedJobScheduler } from './delayed-job-scheduler.js';
import { ExpirationManager } from './expiration.js';
import { Heartbeat } from './heartbeat.js';
import { JobPerformer } from './job-performer.js';
import { runProcessLoop, type RunningProcess, type ServerProcess } from './server-process.js';
import { uniqueServerName } from './server-name.js';
import type { LocalWorkers } from './local-workers.js';
import { Watchdog } from './watchdog.js';
import { WorkerPool } from './worker-pool.js';

/** Delay before a failed background duty tries again. */
export const PROCESS_RETRY_DELAY_MS = 1_000;

/** What a server needs from the application. */
export interface JobServerDependencies {
  readonly storage: JobStorage;
  readonly mediator: IMediator;
  readonly catalog: JobCatalog;
  readonly filters: JobFilterRegistry;
  readonly resolver: ServiceResolver;
  readonly logger: Logger;
  readonly options: MediatorJobsOptions;
  /** More background duties to run alongside the built-in ones (the recurring scheduler). */
  readonly extraProcesses?: readonly ServerProcess[];
  /** Where the engine's client finds idle workers for the jobs it enqueues; the server joins while it runs. */
  readonly localWorkers?: LocalWorkers | undefined;
}

/** What a stop did. */
export interface StopReport {
  /** Jobs that had not finished within ShutdownTimeout and went back to the head of their queues. */
  readonly handedBack: number;
}

type Phase = 'new' | 'running' | 'stopping' | 'stopped';

/** The stray-lease check runs every QueuePollInterval, but not more often than this. */
const MIN_STRAY_LEASE_CHECK_MS = 1_000;

/**
 * A job server (Hangfire's BackgroundJobServer): WorkerCount workers over the
 * configured queues, plus the delayed-job scheduler, heartbeat, watchdog,
 * expiration and counter aggregation, each a loop that survives its own
 * errors. Many servers, in one process or many machines, share one database.
 */
export class JobServer {
  readonly name: string;
  private readonly pool: WorkerPool;
  private readonly processes: ServerProcess[];
  /** The workers' state machine: its changes are batched, the scheduler's promotions with them. */
  private readonly states: StateMachine;
  private readonly stopping = new AbortController();
  /** Aborted once the workers have stopped: outcome writes still retrying give up (their leases will expire). */
  private readonly workersStopped = new AbortController();
  private running: RunningProcess[] = [];
  private unsubscribe: Unsubscribe | undefined;
  private phase: Phase = 'new';
  /** Warnings that anyone who may NOTIFY on the job channel can provoke: each at most once a minute. */
  private readonly junkNotification: ThrottledWarning;
  private readonly forgedDeletion: ThrottledWarning;
  /** Running jobs whose deletion is being checked: a flood of notices costs one read per job at a time. */
  private readonly deletionChecks = new Set<string>();

  private readonly deps: JobServerDependencies;

  constructor(deps: JobServerDependencies) {
    this.deps = { ...deps, logger: containedLogger(deps.logger) };
    const { storage, options, logger } = this.deps;
    // An empty name counts as none, as it does in the settings.
    this.name = options.serverName === undefined || options.serverName === '' ? uniqueServerName() : options.serverName;
    this.junkNotification = new ThrottledWarning(logger);
    this.forgedDeletion = new ThrottledWarning(logger);
    // Workers record outcomes through one coalesced statement per batch.
    this.states = new StateMachine(storage, deps.filters, logger, batchedStateChanges(storage, options.invisibilityTimeoutMs, this.workersStopped.signal));
    const performer = new JobPerformer({ storage, mediator: deps.mediator, catalog: deps.catalog, filters: deps.filters, states: this.states, resolver: deps.resolver, logger });
    this.pool = new WorkerPool(storage, performer, {
      serverName: this.name,
      workerCount: options.workerCount,
      queues: options.queues,
      invisibilityTimeoutMs: options.invisibilityTimeoutMs,
      queuePollIntervalMs: options.queuePollIntervalMs,
      strayLeaseCheckMs: Math.max(options.queuePollIntervalMs, MIN_STRAY_LEASE_CHECK_MS),
    }, logger);
    // The heartbeat tells the watchdog when the database was out of reach (see Watchdog).
    const contact = new DatabaseContact();
    this.processes = [
      new Heartbeat(storage, this.announcement(), options.heartbeatIntervalMs, logger, contact),
      new Watchdog(storage, options.serverCheckIntervalMs, options.serverTimeoutMs, logger, contact),
      new ExpirationManager(storage, options.jobExpirationCheckIntervalMs, logger),
      new CounterAggregator(storage, COUNTERS_AGGREGATE_INTERVAL_MS, logger),
      ...(deps.extraProcesses ?? []),
    ];
  }

  /**
   * Announces the server, starts listening for job events, then the workers
   * and duties. When the storage fails on the way (`StorageFailed`), nothing
   * was started and `start` may be called again.
   */
  start(): ResultAsync<void, JobError> {
    if (this.phase !== 'new') return errAsync({ kind: 'InvalidOptions', message: `server ${this.name} was already started` });
    const checked = checkServerOptions(this.deps.options);
    if (checked.isErr()) return errAsync({ kind: 'InvalidOptions', message: `server ${this.name} was not started: ${checked.error.message}` });
    this.phase = 'running';
    const { storage, logger } = this.deps;
    return storage
      .announceServer(this.announcement())
      .andThen(() => storage.subscribe((event) => this.onEvent(event), () => this.pool.notifyEnqueued(this.deps.options.queues[0] ?? 'default')))
      .mapErr((error) => {
        // Nothing runs yet: the caller may start again (say, once the database is up). An announced row is
        // refreshed by that start, or removed by a watchdog after ServerTimeout.
        this.phase = 'new';
        return storageFailed(error);
      })
      .map((unsubscribe) => {
        this.unsubscribe = unsubscribe;
        this.pool.start();
        this.deps.localWorkers?.add(this.pool);
        const signal = this.stopping.signal;
        this.running = [new DelayedJobScheduler(storage, this.states, logger), ...this.processes].map((process) => runProcessLoop(process, signal, logger, PROCESS_RETRY_DELAY_MS));
        logger.info(`Server ${this.name} started: ${this.deps.options.workerCount} workers on ${this.deps.options.queues.join(', ')}`);
      });
  }

  /**
   * Graceful stop: no new fetches, running handlers' signals aborted, up to
   * ShutdownTimeout for them to finish, then unfinished jobs handed back to
   * the head of their queues; the server leaves the cluster.
   */
  stop(): ResultAsync<StopReport, JobError> {
    if (this.phase !== 'running') return okAsync({ handedBack: 0 });
    this.phase = 'stopping';
    this.deps.localWorkers?.delete(this.pool);
    this.stopping.abort();
    const { storage, options } = this.deps;
    return ResultAsync.fromSafePromise(
      (async () => {
        const handedBack = await this.pool.stop(options.shutdownTimeoutMs);
        this.workersStopped.abort();
        await Promise.all(this.running.map((process) => process.stopped));
        await this.unsubscribe?.();
        return handedBack.length;
      })(),
    ).andThen((handedBack) =>
      storage
        .removeServer(this.name)
        .mapErr(storageFailed)
        .map(() => {
          this.phase = 'stopped';
          this.deps.logger.info(`Server ${this.name} stopped; ${handedBack} unfinished job(s) handed back`);
          return { handedBack };
        }),
    );
  }

  private onEvent(event: StorageEvent): void {
    if (event.kind === 'Enqueued') this.pool.notifyEnqueued(event.queue);
    else if (event.kind === 'Unrecognized') this.junkNotification.warn(`Ignored a notification on the job channel that is not one mediator-jobs sends: ${JSON.stringify(event.payload.slice(0, 100))}`);
    else if (event.state === 'Deleted' && this.pool.holds(event.jobId) && !this.deletionChecks.has(event.jobId)) void this.abortIfDeleted(event.jobId);
  }

  /**
   * Aborts a running job only once the database says it is Deleted: anyone
   * who can NOTIFY on the channel could otherwise stop a running job with a
   * forged payload. (A job deleted for real also loses its lease, which the
   * next renewal notices; this only makes the abort prompt.)
   */
  private async abortIfDeleted(jobId: string): Promise<void> {
    this.deletionChecks.add(jobId);
    const state = await this.deps.storage.getState(jobId);
    this.deletionChecks.delete(jobId);
    if (state.isErr()) this.deps.logger.warn(`Checking whether running job ${jobId} was deleted failed; the next lease renewal will tell: ${formatStorageError(state.error)}`, { jobId });
    else if (state.value === 'Deleted') this.pool.notifyDeleted(jobId);
    else this.forgedDeletion.warn(`Ignored a notification that running job ${jobId} was deleted: it is ${state.value ?? 'gone'}`, { jobId });
  }

  private announcement() {
    return { name: this.name, workerCount: this.deps.options.workerCount, queues: this.deps.options.queues };
  }
}
