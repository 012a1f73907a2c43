import type { ServiceIdentifier } from 'inversify';
import type { MediatorJobsOptions } from '../config/options.js';
import type { IMediator, MediatorRegistry } from '../mediator/index.js';
import type { JobStorage } from '../storage/job-storage.js';

/** The application's `IMediator` (a singleton). Inject with `@inject(MEDIATOR)`. */
export const MEDIATOR: ServiceIdentifier<IMediator> = Symbol('mediator-jobs.Mediator');

/** The `MediatorRegistry` the mediator dispatches to (a singleton). */
export const MEDIATOR_REGISTRY: ServiceIdentifier<MediatorRegistry> = Symbol('mediator-jobs.MediatorRegistry');

/** The resolved options (from `loadConfiguration` or `resolveOptions`), as given to `configureJobServices`. */
export const JOB_OPTIONS: ServiceIdentifier<MediatorJobsOptions> = Symbol('mediator-jobs.JobOptions');

/** The opened job storage, as given to `configureJobServices`. */
export const JOB_STORAGE: ServiceIdentifier<JobStorage> = Symbol('mediator-jobs.JobStorage');
