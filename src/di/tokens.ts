import type { ServiceIdentifier } from 'inversify';
import type { MediatorJobsOptions } from '../config/options.js';
import type { IMediator, MediatorRegistry } from '../mediator/index.js';
import type { JobStorage } from '../storage/job-storage.js';
import type { BackgroundJobClient } from '../client/background-job-client.js';
import type { JobEngine } from '../engine/job-engine.js';
import type { JobServer } from '../server/job-server.js';

/** The application's `IMediator` (a singleton). Inject with `@inject(MEDIATOR)`. */
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
