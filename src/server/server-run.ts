import type { ConfigError } from '../config/config-error.js';
import type { MediatorJobsOptions } from '../config/options.js';
import type { JobFilterRegistry } from '../filters/filter-registry.js';
import type { JobCatalog } from '../jobs/job-invocation.js';
import type { Logger } from '../logging/logger.js';
import type { IMediator } from '../mediator/mediator-interface.js';
import type { ServiceResolver } from '../mediator/service-resolver.js';
import { StateMachine } from '../states/state-machine.js';
import type { JobStorage } from '../storage/job-storage.js';
import { batchedStateChanges } from './batched-state-changes.js';
import { COUNTERS_AGGREGATE_INTERVAL_MS, CounterAggregator } from './counter-aggregator.js';
import { DatabaseContact } from './database-contact.js';
import { DelayedJobScheduler } from './delayed-job-scheduler.js';
import { ExpirationManager } from './expiration.js';
import { Heartbeat } from './heartbeat.js';
import { JobTimeouts } from './job-timeouts.js';
import { JobPerformer } from './job-performer.js';
import type { LocalWorkers } from './local-workers.js';
import { runProcessLoop, type RunningProcess, type ServerProcess } from './server-process.js';
import { Watchdog } from './watchdog.js';
import { WorkerPool } from './worker-pool.js';

/** Delay before a failed background duty tries again. */
export const PROCESS_RETRY_DELAY_MS = 1_000;

/** The stray-lease check runs every QueuePollInterval, but not more often than this. */
const MIN_STRAY_LEASE_CHECK_MS = 1_000;

/** What a server needs from the application. */
export interface JobServerDependencies {
  readonly storage: JobStorage;
  readonly mediator: IMediator;
  readonly catalog: JobCatalog;
  readonly filters: JobFilterRegistry;
  readonly resolver: ServiceResolver;
  readonly logger: Logger;
  readonly options: MediatorJobsOptions;
  /**
   * Why the options given for this server could not be read (overrides whose
   * getter throws): `start()` refuses with it instead of running on `options`.
   */
  readonly unreadableOptions?: ConfigError | undefined;
  /**
   * More background duties to run alongside the built-in ones (the recurring
   * scheduler). A server started again after a stop runs the same ones again.
   */
  readonly extraProcesses?: readonly ServerProcess[];
  /** Where the engine's client finds idle workers for the jobs it enqueues; the server joins while it runs. */
  readonly localWorkers?: LocalWorkers | undefined;
  /** How long each job type may run; default: no limit. */
  readonly timeouts?: JobTimeouts | undefined;
}

/**
 * One run of a job server, from a start to the stop that ends it: the worker
 * pool, its state machine and the loops of the background duties. Every
 * start builds a new one, because what a run ends with cannot be undone
 * (aborted signals, a pool that fetches no more, a completion path that gives
 * up its retries): a stopped server starts again with nothing of its last run.
 */
export class ServerRun {
  readonly pool: WorkerPool;
  private readonly processes: ServerProcess[];
  private readonly heartbeat: Heartbeat;
  private readonly stopping = new AbortController();
  /**
   * The heartbeat goes on until the workers have stopped: a server waiting out
   * ShutdownTimeout for its handlers is alive, and a watchdog that found its
   * heartbeat stale released its jobs to run a second time beside them.
   */
  private readonly heartbeatStopping = new AbortController();
  /** Aborted once the workers have stopped: outcome writes still retrying give up (their leases will expire). */
  private readonly workersStopped = new AbortController();
  private loops: RunningProcess[] = [];

  constructor(
    private readonly deps: JobServerDependencies,
    serverName: string,
  ) {
    const { storage, options, logger } = deps;
    // Workers record outcomes through one coalesced statement per batch; the scheduler's promotions join them.
    const states = new StateMachine(storage, deps.filters, logger, batchedStateChanges(storage, options.invisibilityTimeoutMs, this.workersStopped.signal));
    const performer = new JobPerformer({ storage, mediator: deps.mediator, catalog: deps.catalog, filters: deps.filters, states, resolver: deps.resolver, logger, timeouts: deps.timeouts ?? JobTimeouts.none });
    this.pool = new WorkerPool(storage, performer, {
      serverName,
      workerCount: options.workerCount,
      queues: options.queues,
      invisibilityTimeoutMs: options.invisibilityTimeoutMs,
      queuePollIntervalMs: options.queuePollIntervalMs,
      strayLeaseCheckMs: Math.max(options.queuePollIntervalMs, MIN_STRAY_LEASE_CHECK_MS),
    }, logger);
    // The heartbeat tells the watchdog when the database was out of reach (see Watchdog).
    const contact = new DatabaseContact();
    this.heartbeat = new Heartbeat(storage, { name: serverName, workerCount: options.workerCount, queues: options.queues }, options.heartbeatIntervalMs, logger, contact);
    this.processes = [
      new DelayedJobScheduler(storage, states, logger),
      new Watchdog(storage, options.serverCheckIntervalMs, options.serverTimeoutMs, logger, contact),
      new ExpirationManager(storage, options.jobExpirationCheckIntervalMs, logger),
      new CounterAggregator(storage, COUNTERS_AGGREGATE_INTERVAL_MS, logger),
      ...(deps.extraProcesses ?? []),
    ];
  }

  /** Starts the workers and the duties' loops. */
  start(): void {
    this.pool.start();
    this.deps.localWorkers?.add(this.pool);
    this.loops = [
      runProcessLoop(this.heartbeat, this.heartbeatStopping.signal, this.deps.logger, PROCESS_RETRY_DELAY_MS),
      ...this.processes.map((process) => runProcessLoop(process, this.stopping.signal, this.deps.logger, PROCESS_RETRY_DELAY_MS)),
    ];
  }

  /** Whether the storage was closed while this run stopped (see storageClosed). */
  get storageGone(): boolean {
    return this.pool.storageGone;
  }

  /**
   * The storage was closed while this run stops: the heartbeat and the lease
   * renewals end now, and the unfinished jobs keep their leases instead of
   * being handed back (nothing can be written any more).
   */
  storageClosed(): void {
    this.heartbeatStopping.abort();
    this.pool.storageClosed();
  }

  /** Jobs whose leases the workers hold (running, or their outcome not yet recorded). */
  get heldJobs(): number {
    return this.pool.inFlight.length;
  }

  /**
   * Ends the run: no more fetches or local claims, the duties' loops stop,
   * running handlers are signalled and get up to ShutdownTimeout. With
   * `handBack`, unfinished jobs go back to the head of their queues; without
   * (the storage is closed, nothing can be written) they keep their leases.
   * Resolves with the number of jobs handed back.
   *
   * The duties' loops and the fetch loops are told to stop synchronously, in this
   * call: a statement of theirs refused from then on (the storage was just
   * closed) is not reported as a failure. The heartbeat (and the workers'
   * lease renewals) go on while the handlers finish, so no other server takes
   * their jobs over meanwhile; on a closed storage they stop at once too.
   */
  async stop(handBack: boolean): Promise<number> {
    this.deps.localWorkers?.delete(this.pool);
    this.stopping.abort();
    if (!handBack) this.heartbeatStopping.abort();
    const handedBack = await this.pool.stop(this.deps.options.shutdownTimeoutMs, handBack);
    this.heartbeatStopping.abort();
    this.workersStopped.abort();
    await Promise.all(this.loops.map((loop) => loop.stopped));
    return handedBack.length;
  }
}
