// The public API of mediator-jobs: explicit named exports only; internals stay internal.

// Configuration
export {
  ACCEPTED_DURATION_FORMATS,
  DEFAULT_DASHBOARD_PATH,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_INVISIBILITY_TIMEOUT_MS,
  DEFAULT_JOB_EXPIRATION_CHECK_INTERVAL_MS,
  DEFAULT_JOB_EXPIRATION_TIMEOUT_MS,
  DEFAULT_QUEUE_POLL_INTERVAL_MS,
  DEFAULT_QUEUES,
  DEFAULT_SCHEMA_NAME,
  DEFAULT_SERVER_CHECK_INTERVAL_MS,
  DEFAULT_SERVER_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_WORKER_COUNT,
  defaultOptions,
  formatConfigError,
  loadConfiguration,
  parseDuration,
  resolveOptions,
  validateSchemaName,
} from './config/index.js';
export type { ConfigError, JobSettingsInput, LoadConfigurationOptions, MediatorJobsOptions, StorageType } from './config/index.js';

// Mediator
export {
  Mediator,
  MediatorRegistry,
  Notification,
  Request,
  constructingResolver,
  displayNameOf,
  exceptionHandler,
  formatMediatorError,
  handles,
  handlesNotification,
  notificationTypeNameOf,
  postProcessor,
  preProcessor,
  requestTypeNameOf,
} from './mediator/index.js';
export type {
  AnyRequest,
  BehaviorFunction,
  BehaviorLike,
  BehaviorOptions,
  ErrorOf,
  HandlerContext,
  HandlerResult,
  IMediator,
  IPublisher,
  ISender,
  JobRunInfo,
  MediatorError,
  Next,
  NotificationClass,
  NotificationContext,
  NotificationHandler,
  NotificationHandlerClass,
  PipelineBehavior,
  PipelineBehaviorClass,
  PublishError,
  PublishFailure,
  PublishOptions,
  RegistrationError,
  RequestClass,
  RequestHandler,
  RequestHandlerClass,
  ResponseOf,
  SendOptions,
  ServiceResolver,
} from './mediator/index.js';

// Storage
export { openStorage, storageOptionsFrom } from './storage/open-storage.js';
export { GENERIC_PLANS_OPTION, GENERIC_PLANS_SQL } from './storage/generic-plans.js';
export type { OpenedStorage, StorageOptions } from './storage/open-storage.js';
export type { ClaimOffer, ContinuationSweep, DueJob, FetchOutcome, FetchRequest, JobIdentity, JobStorage, LocalClaim, ReleasedContinuation, RenewOutcome, StrayLease, WriteOptions } from './storage/job-storage.js';
export { FINAL_STATES, JOB_STATES } from './storage/job-types.js';
export type { ContinuationOption, FetchedJob, InitialState, Invocation, JobId, JobOutcome, JsonValue, Lease, NewJob, StateName, StateRecord } from './storage/job-types.js';
export type { JobDetails, JobSummary, Page, QueueSummary, ServerAnnouncement, ServerInfo, StateCounts } from './storage/monitoring-types.js';
export type { MisfirePolicy, RecurringDefinition, RecurringJob } from './storage/recurring-types.js';
export type { StateChange, TargetState } from './storage/state-change.js';
export type { StorageEvent } from './storage/storage-events.js';
export { formatStorageError } from './storage/storage-error.js';
export type { InputRefusal, MalformedJob, StorageError } from './storage/storage-error.js';
export type { MigrationReport } from './storage/migrator.js';
export type { Queryable } from './storage/database.js';

// The job engine: client, filters, retries, server, monitoring
export { JobEngine } from './engine/job-engine.js';
export type { JobEngineSetup } from './engine/job-engine.js';
export { BackgroundJobClient, DEFAULT_QUEUE } from './client/background-job-client.js';
export type { BatchEntry } from './client/background-job-client.js';
export type { ContinuationOptions, EnqueueOptions, RunAt } from './client/job-options.js';
export { MonitoringApi } from './client/monitoring-api.js';
export type { JobView, Statistics } from './client/monitoring-api.js';
export type { Job, MethodCall } from './jobs/job-invocation.js';
export { JobServiceRegistry } from './jobs/job-services.js';
export { jobSignal } from './jobs/job-signal.js';
export type { ServiceClass } from './jobs/job-services.js';
export type { JobError } from './jobs/job-error.js';
export type { CodecError } from './jobs/payload-codec.js';
export { JobFilterRegistry } from './filters/filter-registry.js';
export type { FilterOptions, FilterRegistrationError } from './filters/filter-registry.js';
export type {
  ApplyStateContext,
  ApplyStateFilter,
  ClientFilter,
  CreatedContext,
  CreatingContext,
  ElectStateContext,
  ElectStateFilter,
  JobContext,
  JobFilter,
  PerformedContext,
  PerformingContext,
  ServerFilter,
} from './filters/job-filter.js';
export { AutomaticRetry, DEFAULT_RETRY_ATTEMPTS, hangfireRetryDelayMs } from './filters/automatic-retry.js';
export type { AutomaticRetryOptions, RetryPolicy } from './filters/automatic-retry.js';
export { JobTimeoutElapsed } from './server/job-timeouts.js';
export type { JobTimedOut, JobTimeoutOptions } from './server/job-timeouts.js';
export type { ElectedState } from './states/elected-state.js';
export { JobServer } from './server/job-server.js';
export type { StopReport } from './server/job-server.js';
export { LOG_LEVELS, consoleLogger, silentLogger } from './logging/logger.js';
export type { LogFields, LogLevel, Logger } from './logging/logger.js';

// The mediator's job extensions: enqueue/enqueueAwait, the dispatcher, the execution service
export {
  CompletionWatcher,
  DEFAULT_AWAIT_IDLE_UNSUBSCRIBE_MS,
  DEFAULT_AWAIT_POLL_INTERVAL_MS,
  DispatcherService,
  JobExecutionService,
  JobMediator,
  recordMethodCall,
} from './dispatch/index.js';
export type {
  AwaitError,
  CompletionWatcherOptions,
  ContinueWithOptions,
  DispatcherServiceOptions,
  EnqueueAwaitOptions,
  ExecutionError,
  FinalState,
  IDispatcherService,
  IJobExecutionService,
  IJobMediator,
  JobEnqueueOptions,
  JobFailure,
  MethodCallRecorder,
  MethodResponse,
  ServiceType,
  WaitOptions,
} from './dispatch/index.js';

// Dependency injection (inversify)
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
  configureJobServices,
  registerProcessorAsServer,
} from './di/index.js';
export type { JobServicesError, JobServicesSetup, ScopedBehavior } from './di/index.js';

// The dashboard: an HTTP handler for node:http, Express and Connect
export {
  CONTENT_SECURITY_POLICY,
  DEFAULT_DASHBOARD_PAGE_SIZE,
  DEFAULT_DASHBOARD_POLL_INTERVAL_MS,
  DEFAULT_DASHBOARD_TITLE,
  MAX_DASHBOARD_PAGE_SIZE,
  createDashboard,
  escapeHtml,
  localRequestsOnly,
  useJobDashboard,
} from './dashboard/index.js';
export type { AuthorizationFilter, DashboardError, DashboardHandler, DashboardHost, DashboardOptions, ReadOnlyPolicy } from './dashboard/index.js';
export type { JobSearch } from './storage/monitoring-types.js';
