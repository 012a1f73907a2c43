// Public API of the mediator's job extensions: enqueue/enqueueAwait, the dispatcher and the execution service.
export { JobMediator } from './job-mediator.js';
export type { IJobMediator } from './job-mediator.js';
export type { EnqueueAwaitOptions, JobEnqueueOptions } from './dispatch-options.js';
export type { AwaitError, JobFailure } from './await-error.js';
export { CompletionWatcher, DEFAULT_AWAIT_IDLE_UNSUBSCRIBE_MS, DEFAULT_AWAIT_POLL_INTERVAL_MS } from './completion-watcher.js';
export type { CompletionWatcherOptions, FinalState, WaitOptions } from './completion-watcher.js';
export { DispatcherService } from './dispatcher-service.js';
export type { ContinueWithOptions, DispatcherServiceOptions, IDispatcherService, MethodResponse } from './dispatcher-service.js';
export { recordMethodCall } from './method-call-recorder.js';
export type { MethodCallRecorder, ServiceType } from './method-call-recorder.js';
export { JobExecutionService } from './job-execution-service.js';
export type { IJobExecutionService } from './job-execution-service.js';
export type { ExecutionError } from './execution-error.js';
