import type { Result } from 'neverthrow';
import type { ConfigError } from '../config/config-error.js';
import { mergeServerOptions } from '../config/merge-server-options.js';
import type { MediatorJobsOptions } from '../config/options.js';
import { BackgroundJobClient } from '../client/background-job-client.js';
import { MonitoringApi } from '../client/monitoring-api.js';
import { RecurringJobManager } from '../client/recurring-job-manager.js';
import { RecurringScheduler } from '../server/recurring-scheduler.js';
import { AutomaticRetry, type AutomaticRetryOptions } from '../filters/automatic-retry.js';
import { JobTimeouts, type JobTimeoutOptions } from '../server/job-timeouts.js';
import { JobFilterRegistry } from '../filters/filter-registry.js';
import type { JobCatalog } from '../jobs/job-invocation.js';
import { JobServiceRegistry } from '../jobs/job-services.js';
import { consoleLogger, containedLogger, type Logger } from '../logging/logger.js';
import type { IMediator } from '../mediator/mediator-interface.js';
import type { MediatorRegistry } from '../mediator/mediator-registry.js';
import type { ServiceResolver } from '../mediator/service-resolver.js';
import { JobServer } from '../server/job-server.js';
import { LocalWorkers } from '../server/local-workers.js';
import type { ServerProcess } from '../server/server-process.js';
import { StateMachine } from '../states/state-machine.js';
import type { JobStorage } from '../storage/job-storage.js';

/** What the engine is built from. */
export interface JobEngineSetup {
  readonly storage: JobStorage;
  readonly mediator: IMediator;
  /** The mediator's registry: request types are looked up here by their stable names. */
  readonly registry: MediatorRegistry;
  /** Resolves handlers and job services (the inversify container, or `constructingResolver`). */
  readonly resolver: ServiceResolver;
  readonly options: MediatorJobsOptions;
  /** Default: warnings and errors to the console. A logger that throws is contained: the entry goes to the console instead. */
  readonly logger?: Logger | undefined;
  /** Automatic retries (a global elect-state filter, as in Hangfire); `false` turns them off. */
  readonly retry?: AutomaticRetryOptions | false | undefined;
  /** How long jobs may run, per type (see JobTimeoutOptions); default: no limit. Invalid options are logged as an error and no limit applies. */
  readonly timeouts?: JobTimeoutOptions | undefined;
}

/**
 * The job engine of one application: the job client, filters, job services
 * and the state machine, and a factory for servers. Built once; holds no
 * process-global state, so two engines (two databases) can live side by side.
 */
export class JobEngine {
  readonly client: BackgroundJobClient;
  /** Read-only views of jobs, queues, servers and recurring jobs. */
  readonly monitoring: MonitoringApi;
  /** Recurring jobs: addOrUpdate, removeIfExists, trigger, pause, resume. */
  readonly recurring: RecurringJobManager;
  readonly filters = new JobFilterRegistry();
  readonly services = new JobServiceRegistry();
  readonly catalog: JobCatalog;
  readonly states: StateMachine;
  readonly logger: Logger;
  /** This engine's running servers, which may claim the jobs its client enqueues (see LocalWorkers). */
  private readonly localWorkers = new LocalWorkers();
  private readonly timeouts: JobTimeouts;

  constructor(private readonly setup: JobEngineSetup) {
    this.logger = containedLogger(setup.logger ?? consoleLogger());
    this.catalog = { requests: setup.registry, services: this.services };
    // configureJobServices refuses bad timeouts as an error value; a constructor can only say so.
    const timeouts = JobTimeouts.from(setup.timeouts);
    if (timeouts.isErr()) this.logger.error(`Job timeouts ignored: ${timeouts.error}`);
    this.timeouts = timeouts.unwrapOr(JobTimeouts.none);
    // An AutomaticRetry instance is always a filter: the add cannot fail.
    if (setup.retry !== false) void this.filters.add(new AutomaticRetry(setup.retry ?? {}));
    this.states = new StateMachine(setup.storage, this.filters, this.logger);
    // Continuations move on inside their parent's statement (any of this engine's servers, or its client): their filters hear of it here.
    setup.storage.onContinuationsReleased((released) => void this.states.continuationsReleased(released));
    this.client = new BackgroundJobClient(setup.storage, this.catalog, this.filters, this.states, this.logger, undefined, this.localWorkers);
    this.monitoring = new MonitoringApi(setup.storage);
    this.recurring = new RecurringJobManager(setup.storage, this.client, this.catalog);
  }

  get storage(): JobStorage {
    return this.setup.storage;
  }

  /**
   * The options a server created with `overrides` runs with: the engine's,
   * with `overrides` replacing theirs; `InvalidValue` when `overrides` cannot
   * be read (a getter or Proxy trap that throws).
   */
  serverOptions(overrides: Partial<MediatorJobsOptions> = {}): Result<MediatorJobsOptions, ConfigError> {
    return mergeServerOptions(this.setup.options, overrides);
  }

  /**
   * A server over this engine; `overrides` replace options for this server
   * only (queues, worker count, name...). Every server also runs the
   * recurring scheduler: each tick fires once however many servers run.
   * Options that are invalid, or `overrides` that cannot be read, do not
   * throw here: the server's `start()` refuses them as `InvalidOptions`.
   */
  createServer(overrides: Partial<MediatorJobsOptions> = {}, extraProcesses: readonly ServerProcess[] = []): JobServer {
    const recurringScheduler = new RecurringScheduler(this.setup.storage, this.client, this.catalog, this.logger);
    const options = this.serverOptions(overrides);
    return new JobServer({
      storage: this.setup.storage,
      mediator: this.setup.mediator,
      catalog: this.catalog,
      filters: this.filters,
      resolver: this.setup.resolver,
      logger: this.logger,
      // Unreadable overrides: the engine's options stand in (for the server's name), and start() refuses with the reason.
      options: options.unwrapOr(this.setup.options),
      unreadableOptions: options.isErr() ? options.error : undefined,
      // JavaScript callers pass null for "none"; spreading it threw.
      extraProcesses: [recurringScheduler, ...(extraProcesses ?? [])],
      localWorkers: this.localWorkers,
      timeouts: this.timeouts,
    });
  }
}
