import { err, errAsync, ok, type Result, type ResultAsync } from 'neverthrow';
import { describeError } from '../logging/logger.js';
import type { RecurringJobManager, RecurringJobOptions } from '../client/recurring-job-manager.js';
import type { JobEngine } from '../engine/job-engine.js';
import type { JobError } from '../jobs/job-error.js';
import type { Job } from '../jobs/job-invocation.js';
import { Request, type AnyRequest, type ResponseOf } from '../mediator/request.js';
import type { JobId } from '../storage/job-types.js';
import type { AwaitError } from './await-error.js';
import { CompletionWatcher } from './completion-watcher.js';
import { createAndAwait, createJob, type JobCreation } from './create-job.js';
import type { EnqueueAwaitOptions, JobEnqueueOptions } from './dispatch-options.js';
import { recordMethodCall, type MethodCallRecorder, type ServiceType } from './method-call-recorder.js';

/** What a service method's job resolves with: its return value, unwrapped from a Promise or a neverthrow Result. */
export type MethodResponse<T> = T extends ResultAsync<infer V, any> ? V : T extends Result<infer V, any> ? V : Awaited<T>;

/** Options of `continueWith`: where the continuation runs and which outcome of its parent releases it. */
export type ContinueWithOptions = Pick<JobEnqueueOptions, 'queue' | 'parameters' | 'transaction' | 'on'>;

/**
 * Dispatches requests and service method calls as jobs (the seeds'
 * `IDispatcherService`). A method call is written as a function of the
 * service, `dispatcher.dispatch(EmailSender, (s) => s.send(13, 'Hello'))`:
 * typed against the class, recorded (never run) at dispatch time, and run by
 * a worker on an instance it resolves from the container. Anything that
 * could not run later (an unregistered type, not exactly one method call,
 * arguments that cannot be stored) is an `Err` here, before anything is
 * stored. Every method returns a `ResultAsync`; nothing throws.
 */
export interface IDispatcherService {
  /** Stores the job: now, after `delay` ms, at `runAt`, or after job `continueFrom`. Resolves with its id. */
  dispatch<R extends AnyRequest>(request: R, options?: JobEnqueueOptions): ResultAsync<JobId, JobError>;
  dispatch<S extends object>(service: ServiceType<S>, call: MethodCallRecorder<S>, options?: JobEnqueueOptions): ResultAsync<JobId, JobError>;
  /** Stores the job and resolves with what it returned once a server ran it (see `IJobMediator.enqueueAwait`). */
  dispatchAwait<R extends AnyRequest>(request: R, options?: EnqueueAwaitOptions): ResultAsync<ResponseOf<R>, AwaitError>;
  dispatchAwait<S extends object, T>(service: ServiceType<S>, call: MethodCallRecorder<S, T>, options?: EnqueueAwaitOptions): ResultAsync<MethodResponse<T>, AwaitError>;
  /** Stores a job that waits for job `parentId` and runs when it ends as `options.on` says (default: succeeded). */
  continueWith<R extends AnyRequest>(parentId: JobId, request: R, options?: ContinueWithOptions): ResultAsync<JobId, JobError>;
  continueWith<S extends object>(parentId: JobId, service: ServiceType<S>, call: MethodCallRecorder<S>, options?: ContinueWithOptions): ResultAsync<JobId, JobError>;
  /** Creates or replaces recurring job `id` on a cron schedule (see `RecurringJobManager.addOrUpdate`). */
  addOrUpdateRecurring<R extends AnyRequest>(id: string, request: R, cron: string, options?: RecurringJobOptions): ResultAsync<void, JobError>;
  addOrUpdateRecurring<S extends object>(id: string, service: ServiceType<S>, call: MethodCallRecorder<S>, cron: string, options?: RecurringJobOptions): ResultAsync<void, JobError>;
  /** Removes recurring job `id`; false when there was none. */
  removeRecurring(id: string): ResultAsync<boolean, JobError>;
  /** Runs recurring job `id` now, outside its schedule; resolves with the new job's id. */
  triggerRecurring(id: string): ResultAsync<JobId, JobError>;
}

/** What a `DispatcherService` may share with others of the same engine. */
export interface DispatcherServiceOptions {
  /** The watcher `dispatchAwait` waits with; default: a new one over the engine's storage. */
  readonly watcher?: CompletionWatcher | undefined;
  /** The recurring job manager; default: the engine's (`engine.recurring`). */
  readonly recurring?: RecurringJobManager | undefined;
}

/** {@link IDispatcherService} over a job engine. */
export class DispatcherService implements IDispatcherService {
  readonly #engine: JobEngine;
  readonly #creation: JobCreation;
  readonly #recurring: RecurringJobManager;

  constructor(engine: JobEngine, options: DispatcherServiceOptions = {}) {
    this.#engine = engine;
    this.#creation = {
      client: engine.client,
      storage: engine.storage,
      watcher: options.watcher ?? new CompletionWatcher(engine.storage, { logger: engine.logger }),
    };
    this.#recurring = options.recurring ?? engine.recurring;
  }

  dispatch<R extends AnyRequest>(request: R, options?: JobEnqueueOptions): ResultAsync<JobId, JobError>;
  dispatch<S extends object>(service: ServiceType<S>, call: MethodCallRecorder<S>, options?: JobEnqueueOptions): ResultAsync<JobId, JobError>;
  dispatch(first: unknown, second?: unknown, third?: unknown): ResultAsync<JobId, JobError> {
    const target = this.#target(first, second, third);
    if (target.isErr()) return errAsync(target.error);
    return createJob(this.#creation.client, target.value.job, target.value.rest as JobEnqueueOptions | undefined, 'dispatch');
  }

  dispatchAwait<R extends AnyRequest>(request: R, options?: EnqueueAwaitOptions): ResultAsync<ResponseOf<R>, AwaitError>;
  dispatchAwait<S extends object, T>(service: ServiceType<S>, call: MethodCallRecorder<S, T>, options?: EnqueueAwaitOptions): ResultAsync<MethodResponse<T>, AwaitError>;
  dispatchAwait(first: unknown, second?: unknown, third?: unknown): ResultAsync<unknown, AwaitError> {
    const target = this.#target(first, second, third);
    if (target.isErr()) return errAsync(target.error);
    return createAndAwait(this.#creation, target.value.job, target.value.rest as EnqueueAwaitOptions | undefined, 'dispatchAwait');
  }

  continueWith<R extends AnyRequest>(parentId: JobId, request: R, options?: ContinueWithOptions): ResultAsync<JobId, JobError>;
  continueWith<S extends object>(parentId: JobId, service: ServiceType<S>, call: MethodCallRecorder<S>, options?: ContinueWithOptions): ResultAsync<JobId, JobError>;
  continueWith(parentId: JobId, first: unknown, second?: unknown, third?: unknown): ResultAsync<JobId, JobError> {
    const target = this.#target(first, second, third);
    if (target.isErr()) return errAsync(target.error);
    const options = (target.value.rest ?? {}) as ContinueWithOptions;
    return this.#creation.client.continueWith(parentId, target.value.job, options);
  }

  addOrUpdateRecurring<R extends AnyRequest>(id: string, request: R, cron: string, options?: RecurringJobOptions): ResultAsync<void, JobError>;
  addOrUpdateRecurring<S extends object>(id: string, service: ServiceType<S>, call: MethodCallRecorder<S>, cron: string, options?: RecurringJobOptions): ResultAsync<void, JobError>;
  addOrUpdateRecurring(id: string, first: unknown, ...rest: unknown[]): ResultAsync<void, JobError> {
    // Which overload was called is the target's to say: it asks `instanceof` under guard (a hostile proxy's trap may throw).
    const target = this.#target(first, rest[0], undefined);
    if (target.isErr()) return errAsync(target.error);
    const [cron, options] = target.value.isRequest ? [rest[0], rest[1]] : [rest[1], rest[2]];
    // The manager refuses a cron that is not a string, describing it safely.
    return this.#recurring.addOrUpdate(id, target.value.job, cron as string, options as RecurringJobOptions | undefined);
  }

  removeRecurring(id: string): ResultAsync<boolean, JobError> {
    return this.#recurring.removeIfExists(id);
  }

  triggerRecurring(id: string): ResultAsync<JobId, JobError> {
    return this.#recurring.trigger(id);
  }

  /** The job the arguments describe, and the options after it: `(request, options)` or `(Service, call, options)`. */
  #target(first: unknown, second: unknown, third: unknown): Result<{ job: Job; rest: unknown; isRequest: boolean }, JobError> {
    let isRequest: boolean;
    try {
      isRequest = first instanceof Request;
    } catch (error) {
      // A proxy whose getPrototypeOf trap throws: the caller's bad value, not a crash.
      return err({ kind: 'Unserializable', path: 'job', message: `job cannot be stored: reading it failed: ${describeError(error)}` });
    }
    if (isRequest) return ok({ job: first as Job, rest: second, isRequest });
    return recordMethodCall(first as ServiceType<object>, second as MethodCallRecorder<object>, this.#engine.services).map((job) => ({ job, rest: third, isRequest }));
  }
}
