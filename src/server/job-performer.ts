import { err, ok, type Result } from 'neverthrow';
import type { JobFilterRegistry } from '../filters/filter-registry.js';
import { cancelReason, type JobContext, type PerformedContext, type PerformingContext } from '../filters/job-filter.js';
import { fromStoredInvocation, type JobCatalog, type RunnableJob } from '../jobs/job-invocation.js';
import { encodePayload } from '../jobs/payload-codec.js';
import { withJobSignal } from '../jobs/job-signal.js';
import { describeError, type Logger } from '../logging/logger.js';
import type { IMediator } from '../mediator/mediator-interface.js';
import type { LazyAbortController } from '../mediator/lazy-abort-controller.js';
import { Mediator } from '../mediator/mediator.js';
import type { ServiceResolver } from '../mediator/service-resolver.js';
import { toResultAsync } from '../mediator/to-result-async.js';
import { parameterAccess } from '../filters/job-parameters.js';
import { failureDetails, type ElectedState } from '../states/elected-state.js';
import type { StateMachine } from '../states/state-machine.js';
import type { JobStorage } from '../storage/job-storage.js';
import type { FetchedJob } from '../storage/job-types.js';
import { JobTimeoutElapsed, type JobTimedOut, type JobTimeouts } from './job-timeouts.js';

/** What the performer needs from the application. */
export interface PerformerDependencies {
  readonly storage: JobStorage;
  readonly mediator: IMediator;
  readonly catalog: JobCatalog;
  readonly filters: JobFilterRegistry;
  readonly states: StateMachine;
  readonly resolver: ServiceResolver;
  readonly logger: Logger;
  readonly timeouts: JobTimeouts;
}

/**
 * Why a running job's signal is aborted when its server stops. A job that ends
 * because of it was interrupted, not failed: it is handed back to its queue.
 */
export class ServerStopping extends Error {
  constructor() {
    super('the server is stopping');
    this.name = 'ServerStopping';
  }
}

/** How `perform` ended: the outcome was recorded, or the run was cut short by a stopping server. */
export type PerformOutcome = 'recorded' | 'interrupted';

/** How a run ended, before the state machine decides what it means (retry, fail...). */
type RunOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/**
 * Runs one fetched job: restore it, server filters, the mediator's own
 * pipeline (or the service method), server filters again, then the state
 * transition under the job's lease. Never throws and never rejects: every
 * failure, including a handler that throws a non-Error, ends as a Failed
 * candidate for the state machine.
 */
export class JobPerformer {
  constructor(private readonly deps: PerformerDependencies) {}

  /**
   * `handlerFinished` is called once the job's own work is over (handler and
   * server filters) and only its outcome remains to be recorded: the worker
   * can take the next job while the outcome waits for its batched statement.
   */
  async perform(job: FetchedJob, cancellation: LazyAbortController, handlerFinished: () => void = () => undefined): Promise<PerformOutcome> {
    const started = performance.now();
    const context = this.jobContext(job);
    const restored = fromStoredInvocation(job, this.deps.catalog);
    if (restored.isErr()) {
      handlerFinished();
      // The stored job no longer fits this code; retrying cannot fix the payload itself.
      await this.finish(job, context, { ok: false, error: { ...restored.error, retryable: restored.error.kind !== 'Unserializable' } }, started);
      return 'recorded';
    }
    const runnable = restored.value;
    // Checked here, not only inside: an async call and its await cost allocations on every job, and most jobs have no server filter.
    const canceled = this.deps.filters.anyHas(job.typeName, 'onPerforming') ? await this.runPerforming(job, context, runnable, cancellation) : undefined;
    if (canceled !== undefined) {
      handlerFinished();
      await this.transition(job, context, { to: { name: 'Deleted' }, reason: `Canceled by a server filter: ${canceled}` });
      return 'recorded';
    }
    const timeoutMs = this.deps.timeouts.forType(job.typeName);
    const outcome = await (timeoutMs === undefined ? this.run(job, runnable, cancellation) : this.runWithin(timeoutMs, job, runnable, cancellation));
    // A handler that stopped because its server is stopping did nothing wrong: hand the job back.
    if (!outcome.ok && cancellation.reason instanceof ServerStopping) return 'interrupted';
    const durationMs = performance.now() - started;
    if (this.deps.filters.anyHas(job.typeName, 'onPerformed')) await this.runPerformed(context, runnable, outcome, durationMs);
    handlerFinished();
    await this.finish(job, context, outcome, started);
    return 'recorded';
  }

  private async run(job: FetchedJob, runnable: RunnableJob, cancellation: LazyAbortController): Promise<RunOutcome> {
    const jobInfo = { jobId: job.id, attempt: job.retryCount + 1, queue: job.queue };
    if (runnable.kind === 'request') {
      // Our Mediator makes the signal only if the handler asks; another IMediator gets a made one.
      const options = this.deps.mediator instanceof Mediator ? { lazySignal: cancellation, job: jobInfo } : { signal: cancellation.signal, job: jobInfo };
      const sent = await this.deps.mediator.send(runnable.request, options);
      return sent.match((value): RunOutcome => ({ ok: true, value }), (error): RunOutcome => ({ ok: false, error }));
    }
    return callServiceMethod(this.deps.resolver, runnable, cancellation);
  }

  /**
   * The run, or a `TimedOut` failure once `timeoutMs` passed: the job's signal
   * is aborted then, and the worker moves on whether or not the handler
   * stops. A handler that ignores its signal goes on in the background, and
   * may still be running when a retry of its job starts.
   */
  private runWithin(timeoutMs: number, job: FetchedJob, runnable: RunnableJob, cancellation: LazyAbortController): Promise<RunOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const elapsed = new Promise<RunOutcome>((resolve) => {
      timer = setTimeout(() => {
        cancellation.abort(new JobTimeoutElapsed(timeoutMs));
        const error: JobTimedOut = { kind: 'TimedOut', timeoutMs, message: `The job did not finish within its timeout of ${timeoutMs} ms; its signal was aborted.` };
        resolve({ ok: false, error });
      }, timeoutMs);
      // A handler that ignores its signal outlives its server's stop: its timer must not keep the process alive.
      timer.unref();
    });
    return Promise.race([this.run(job, runnable, cancellation), elapsed]).finally(() => clearTimeout(timer));
  }

  /** Not async: it only hands on the transition's promise (one async frame less per job). */
  private finish(job: FetchedJob, context: Omit<JobContext, 'getParameter' | 'setParameter'>, outcome: RunOutcome, started: number): Promise<void> {
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    if (outcome.ok) {
      const result = storableResult(outcome.value);
      if (result.isOk()) return this.transition(job, context, { to: { name: 'Succeeded', result: result.value }, reason: 'Completed', data: { durationMs } });
      outcome = { ok: false, error: { kind: 'Unserializable', message: `The job succeeded but its result cannot be stored: ${result.error}`, retryable: false } };
    }
    const failure = failureDetails(outcome.error);
    this.deps.logger.warn(`Job ${job.id} (${job.typeName}${job.methodName === undefined ? '' : `.${job.methodName}`}) failed: ${failure.errorType}: ${failure.message}`, { jobId: job.id, error: outcome.error });
    return this.transition(job, context, { to: { name: 'Failed' }, reason: failure.message, data: { ...failure, durationMs } }, outcome.error);
  }

  private async transition(job: FetchedJob, context: Omit<JobContext, 'getParameter' | 'setParameter'>, candidate: ElectedState, error?: unknown): Promise<void> {
    const outcome = await this.deps.states.transitionPromise({ job: context, currentState: 'Processing', lease: job.lease, candidate, error });
    outcome.match(
      ({ applied, elected }) => {
        // Not applied: the job was deleted or taken over meanwhile; its new owner decides.
        if (!applied) this.deps.logger.debug(`Job ${job.id} moved on while it ran; its ${elected.to.name} outcome was not recorded`, { jobId: job.id });
      },
      (failure) => {
        const message = `Recording the outcome of job ${job.id} failed; its lease will expire and it will run again: ${failure.message}`;
        // The storage was closed under the server, which says so once for all its jobs (see JobServer.storageClosed).
        if (failure.kind === 'StorageFailed' && failure.error.kind === 'Closed') this.deps.logger.debug(message, { jobId: job.id, error: failure });
        else this.deps.logger.error(message, { jobId: job.id, error: failure });
      },
    );
  }

  private jobContext(job: FetchedJob): Omit<JobContext, 'getParameter' | 'setParameter'> {
    return { jobId: job.id, typeName: job.typeName, methodName: job.methodName, queue: job.queue, retryCount: job.retryCount };
  }

  private withParameters<T extends object>(jobId: string, context: T): T & Pick<JobContext, 'getParameter' | 'setParameter'> {
    return { ...context, ...parameterAccess(this.deps.storage, jobId) };
  }

  /** Server filters' onPerforming in order; returns the cancel reason, if one canceled. */
  private async runPerforming(job: FetchedJob, base: Omit<JobContext, 'getParameter' | 'setParameter'>, runnable: RunnableJob, cancellation: LazyAbortController): Promise<string | undefined> {
    let canceled: string | undefined;
    const context: PerformingContext = this.withParameters(job.id, { ...base, job: runnable, signal: cancellation.signal, cancel: (reason: string) => { canceled = cancelReason(reason, 'canceled by a server filter'); } });
    for (const filter of this.deps.filters.filtersFor(job.typeName)) {
      if (filter.onPerforming === undefined) continue;
      try {
        await filter.onPerforming(context);
      } catch (error) {
        this.deps.logger.error(`A server filter failed before job ${job.id}; running it anyway: ${describeError(error)}`, { jobId: job.id, error });
      }
      if (canceled !== undefined) return canceled;
    }
    return undefined;
  }

  private async runPerformed(base: Omit<JobContext, 'getParameter' | 'setParameter'>, runnable: RunnableJob, result: RunOutcome, durationMs: number): Promise<void> {
    const context: PerformedContext = this.withParameters(base.jobId, { ...base, job: runnable, result, durationMs });
    for (const filter of this.deps.filters.filtersFor(base.typeName)) {
      if (filter.onPerformed === undefined) continue;
      try {
        await filter.onPerformed(context);
      } catch (error) {
        this.deps.logger.error(`A server filter failed after job ${base.jobId}: ${describeError(error)}`, { jobId: base.jobId, error });
      }
    }
  }
}

/**
 * Resolves the service from the container and calls the method, through the
 * same normalisation as a request handler: a value, a promise, a Result or a
 * ResultAsync; any throw, rejection or Err is a failure. An argument that is
 * `jobSignal` becomes this job's signal (see job-signal.ts).
 */
async function callServiceMethod(resolver: ServiceResolver, job: Extract<RunnableJob, { kind: 'method' }>, cancellation: LazyAbortController): Promise<RunOutcome> {
  const returned = await toResultAsync(
    () => {
      const instance = resolver.resolve(job.service) as Record<string, (...args: unknown[]) => unknown>;
      const method = instance[job.method];
      if (typeof method !== 'function') throw new Error(`${job.service.name} has no method ${job.method}`);
      return method.apply(instance, withJobSignal(job.args, () => cancellation.signal));
    },
    (cause) => cause,
  );
  return returned.match((value): RunOutcome => ({ ok: true, value }), (error): RunOutcome => ({ ok: false, error }));
}

/** JSON text of a handler's value (undefined = no result), or why it cannot be stored. */
function storableResult(value: unknown): Result<string | undefined, string> {
  if (value === undefined) return ok(undefined);
  // A class instance in a result is kept as its own fields: refusing it would fail a job whose work is done.
  return encodePayload(value, 'result', 'own-fields').match((encoded) => ok(JSON.stringify(encoded)), (error) => err(error.message));
}

