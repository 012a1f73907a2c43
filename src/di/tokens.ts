import type { ServiceIdentifier } from 'inversify';
import type { MediatorJobsOptions } from '../config/options.js';
import type { IMediator, MediatorRegistry } from '../mediator/index.js';
import type { JobStorage } from '../storage/job-storage.js';
import type { BackgroundJobClient } from '../client/background-job-client.js';
import type { JobEngine } from '../engine/job-engine.js';
import type { JobServer } from '../server/job-server.js';
import type { CompletionWatcher } from '../dispatch/completion-watcher.js';
import type { IDispatcherService } from '../dispatch/dispatcher-service.js';
import type { IJobExecutionService } from '../dispatch/job-execution-service.js';
import type { IJobMediator } from '../dispatch/job-mediator.js';

/**
 * The application's `IMediator` (a singleton). Once `configureJobServices`
 * was given storage it is the {@link JOB_MEDIATOR} (the same object), so it
 * has `enqueue` and `enqueueAwait` too; inject `JOB_MEDIATOR` to see them in
 * the type. Inject with `@inject(MEDIATOR)`.
 */
export const MEDIATOR: ServiceIdentifier<IMediator> = Symbol('mediator-jobs.Mediator');

/** The `MediatorRegistry` the mediator dispatches to (a singleton). */
export const MEDIATOR_REGISTRY: ServiceIdentifier<MediatorRegistry> = Symbol('mediator-jobs.MediatorRegistry');

/** The resolved options (from `loadConfiguration` or `resolveOptions`), as given to `configureJobServices`. */
export const JOB_OPTIONS: ServiceIdentifier<MediatorJobsOptions> = Symbol('mediator-jobs.JobOptions');

/** The job engine (client, filters, job services), bound when `configureJobServices` is given storage. */
export const JOB_ENGINE: ServiceIdentifier<JobEngine> = Symbol('mediator-jobs.JobEngine');

/** The job client (enqueue, schedule, continuations, delete, requeue). Inject with `@inject(JOB_CLIENT)`. */
export const JOB_CLIENT: ServiceIdentifier<BackgroundJobClient> = Symbol('mediator-jobs.JobClient');

/** The server bound by `registerProcessorAsServer`. */
export const JOB_SERVER: ServiceIdentifier<JobServer> = Symbol('mediator-jobs.JobServer');

/** The opened job storage, as given to `configureJobServices`. */
export const JOB_STORAGE: ServiceIdentifier<JobStorage> = Symbol('mediator-jobs.JobStorage');

/** The mediator with `enqueue` and `enqueueAwait` (`IJobMediator`), bound when `configureJobServices` is given storage. */
export const JOB_MEDIATOR: ServiceIdentifier<IJobMediator> = Symbol('mediator-jobs.JobMediator');

/** The `IDispatcherService` (requests and service method calls as jobs), bound with the job engine. */
export const DISPATCHER_SERVICE: ServiceIdentifier<IDispatcherService> = Symbol('mediator-jobs.DispatcherService');

/** The `IJobExecutionService` (last successful run, returned results), bound with the job engine. */
export const JOB_EXECUTION_SERVICE: ServiceIdentifier<IJobExecutionService> = Symbol('mediator-jobs.JobExecutionService');

/** The one `CompletionWatcher` every await of this container shares (one storage subscription). */
export const COMPLETION_WATCHER: ServiceIdentifier<CompletionWatcher> = Symbol('mediator-jobs.CompletionWatcher');

/** The mediator without job extensions, which `MEDIATOR` resolves to until the job engine is bound. @internal */
export const PLAIN_MEDIATOR: ServiceIdentifier<IMediator> = Symbol('mediator-jobs.PlainMediator');

/** The options `registerProcessorAsServer` made its server with, so a second call can tell whether it asks for another. @internal */
export const JOB_SERVER_OPTIONS: ServiceIdentifier<MediatorJobsOptions> = Symbol('mediator-jobs.JobServerOptions');
