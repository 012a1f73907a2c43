import type { ResultAsync } from 'neverthrow';
import type { JobEngine } from '../engine/job-engine.js';
import type { JobError } from '../jobs/job-error.js';
import type { IMediator } from '../mediator/mediator-interface.js';
import type { MediatorError, PublishError } from '../mediator/mediator-error.js';
import type { Notification } from '../mediator/notification.js';
import type { PublishOptions } from '../mediator/publisher.js';
import type { AnyRequest, ErrorOf, ResponseOf } from '../mediator/request.js';
import type { SendOptions } from '../mediator/send-options.js';
import type { JobId } from '../storage/job-types.js';
import type { AwaitError } from './await-error.js';
import { CompletionWatcher } from './completion-watcher.js';
import { createAndAwait, createJob, type JobCreation } from './create-job.js';
import type { EnqueueAwaitOptions, JobEnqueueOptions } from './dispatch-options.js';

/**
 * The mediator with job extensions (the seeds' `Enqueue` / `EnqueueAwait`):
 * `send` and `publish` run in this process; `enqueue` and `enqueueAwait`
 * persist the request as a durable job that any server runs.
 */
export interface IJobMediator extends IMediator {
  /**
   * Stores the request as a job: now, after `delay` ms, at `runAt`, or after
   * job `continueFrom`. Resolves with the job id. Errors (nothing stored):
   * `UnknownRequestType` (no handler registered), `Unserializable`,
   * `InvalidOptions`, `JobNotFound` (no such parent), `CreationCanceled`,
   * `FilterFailed`, `StorageFailed`.
   */
  enqueue<R extends AnyRequest>(request: R, options?: JobEnqueueOptions): ResultAsync<JobId, JobError>;
  /**
   * Stores the request as a job and resolves with its handler's response
   * (decoded: Dates and bigints intact) once a server, in this process or
   * another, has run it. This process need not run a server. Errors: those of
   * `enqueue`, then `JobFailed` (after its retries), `JobDeleted`, `Timeout`
   * and `Aborted` (both leave the job as it is). See {@link AwaitError}.
   */
  enqueueAwait<R extends AnyRequest>(request: R, options?: EnqueueAwaitOptions): ResultAsync<ResponseOf<R>, AwaitError>;
}

/**
 * {@link IJobMediator} over a mediator and a job engine. `send` and `publish`
 * are the wrapped mediator's. Every `enqueueAwait` of one JobMediator shares
 * one {@link CompletionWatcher}, hence one subscription to the storage.
 */
export class JobMediator implements IJobMediator {
  readonly #mediator: IMediator;
  readonly #creation: JobCreation;

  /** `watcher`: share one between services of the same engine; default: a new one over the engine's storage. */
  constructor(mediator: IMediator, engine: JobEngine, watcher?: CompletionWatcher) {
    this.#mediator = mediator;
    this.#creation = {
      client: engine.client,
      storage: engine.storage,
      watcher: watcher ?? new CompletionWatcher(engine.storage, { logger: engine.logger }),
    };
  }

  /** {@inheritDoc ISender.send} */
  send<R extends AnyRequest>(request: R, options?: SendOptions): ResultAsync<ResponseOf<R>, MediatorError | ErrorOf<R>> {
    return this.#mediator.send(request, options);
  }

  /** {@inheritDoc IPublisher.publish} */
  publish(notification: Notification, options?: PublishOptions): ResultAsync<void, PublishError> {
    return this.#mediator.publish(notification, options);
  }

  /** {@inheritDoc IJobMediator.enqueue} */
  enqueue<R extends AnyRequest>(request: R, options: JobEnqueueOptions = {}): ResultAsync<JobId, JobError> {
    return createJob(this.#creation.client, request, options);
  }

  /** {@inheritDoc IJobMediator.enqueueAwait} */
  enqueueAwait<R extends AnyRequest>(request: R, options: EnqueueAwaitOptions = {}): ResultAsync<ResponseOf<R>, AwaitError> {
    // The worker stored what this request's handler returned, so the decoded value is a ResponseOf<R>.
    return createAndAwait(this.#creation, request, options) as ResultAsync<ResponseOf<R>, AwaitError>;
  }
}
