import type { ServiceIdentifier } from 'inversify';
import type { IMediator, MediatorRegistry } from '../mediator/index.js';

/** The application's `IMediator` (a singleton). Inject with `@inject(MEDIATOR)`. */
export const MEDIATOR: ServiceIdentifier<IMediator> = Symbol('mediator-jobs.Mediator');

/** The `MediatorRegistry` the mediator dispatches to (a singleton). */
export const MEDIATOR_REGISTRY: ServiceIdentifier<MediatorRegistry> = Symbol('mediator-jobs.MediatorRegistry');

/**
 * The job engine's resolved options object, as given to `configureJobServices`.
 * Typed `object` until the config module's resolved-options type lands.
 */
export const JOB_OPTIONS: ServiceIdentifier<object> = Symbol('mediator-jobs.JobOptions');
