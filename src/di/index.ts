// Public API of the inversify integration: the only place that imports inversify.
export { configureJobServices } from './configure-job-services.js';
export type { JobServicesSetup, ScopedBehavior } from './configure-job-services.js';
export { ContainerResolver } from './container-resolver.js';
export type { JobServicesError } from './job-services-error.js';
export { JOB_OPTIONS, JOB_STORAGE, MEDIATOR, MEDIATOR_REGISTRY } from './tokens.js';
