// Public API of the inversify integration: the only place that imports inversify.
export { configureJobServices } from './configure-job-services.js';
export type { JobServicesSetup, ScopedBehavior } from './configure-job-services.js';
export { ContainerResolver } from './container-resolver.js';
export type { JobServicesError } from './job-services-error.js';
export {
  COMPLETION_WATCHER,
  DISPATCHER_SERVICE,
  JOB_CLIENT,
  JOB_ENGINE,
  JOB_EXECUTION_SERVICE,
  JOB_MEDIATOR,
  JOB_OPTIONS,
  JOB_SERVER,
  JOB_STORAGE,
  MEDIATOR,
  MEDIATOR_REGISTRY,
} from './tokens.js';
export { registerProcessorAsServer } from './register-processor-as-server.js';
