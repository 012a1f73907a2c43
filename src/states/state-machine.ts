import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { JobFilterRegistry } from '../filters/filter-registry.js';
import { parameterAccess } from '../filters/job-parameters.js';
import type { ApplyStateContext, ElectStateContext, JobContext, JobFilter } from '../filters/job-filter.js';
import { fromStorageError, storageFailed, type JobError } from '../jobs/job-error.js';
import { describeError, type Logger } from '../logging/logger.js';
import { isPromiseLike } from '../mediator/to-result-async.js';
import type { JobStorage, ReleasedContinuation } from '../storage/job-storage.js';
import { JOB_STATES, type JobId, type Lease, type StateName } from '../storage/job-types.js';
import type { StateChange, TargetState } from '../storage/state-change.js';
import { databaseError, formatStorageError, refusedForContent, type StorageError } from '../storage/storage-error.js';
import type { ElectedState, RecordedState } from './elected-state.js';

/** A transition to elect and apply. */
export interface Transition {
  readonly job: Omit<JobContext, 'getParameter' | 'setParameter'>;
  /** The state the job is believed to be in: the guard, and what filters see as the current state. */
  readonly currentState: StateName;
  /** Further states the change may also apply from (e.g. any waiting state for a delete). */
  readonly alsoFrom?: readonly StateName[];
  /** Required when the job is Processing: the worker's lease (the fencing token). */
  readonly lease?: Lease | undefined;
  readonly candidate: ElectedState;
  /** What failed, when the candidate is Failed (retry filters read it). */
  readonly error?: unknown;
}

/** What the elect-state filters decided, and the candidates they replaced (for the history). */
interface Election {
  readonly elected: ElectedState;
  readonly replaced: RecordedState[];
}

/** What a transition ended as. */
export interface TransitionOutcome {
  /** False when the guard did not hold: the job had moved on (deleted, taken over...). */
  readonly applied: boolean;
  /** The state the filters elected. */
  readonly elected: ElectedState;
}

/**
 * Applies guarded state changes; batched by the caller when it likes (the
 * worker's completion batcher). A ResultAsync or a plain promise of a Result.
 */
export type ApplyChanges = (changes: readonly StateChange[]) => PromiseLike<Result<boolean[], StorageError>>;

/**
 * Hangfire's state machine: elect (elect-state filters in registration order
 * may replace the candidate; replaced states are kept for the history),
 * apply (one guarded statement that also records the history), then tell the
 * apply-state filters. A filter that throws is logged and skipped: a broken
 * filter must not strand a job in Processing.
 */
export class StateMachine {
  constructor(
    private readonly storage: JobStorage,
    private readonly filters: JobFilterRegistry,
    private readonly logger: Logger,
    private readonly applyChanges: ApplyChanges = (changes) => storage.changeStates(changes),
  ) {}

  transition(transition: Transition): ResultAsync<TransitionOutcome, JobError> {
    return new ResultAsync(this.transitionPromise(transition));
  }

  /**
   * `transition` as a plain promise, for the worker's completion path: one
   * native async function rather than Result combinators, and awaiting a
   * native promise skips the extra turn a thenable costs.
   */
  async transitionPromise(transition: Transition): Promise<Result<TransitionOutcome, JobError>> {
    try {
      return await this.transitionUnguarded(transition);
    } catch (error) {
      // Nothing here should throw; should it, the caller (a worker, the client's delete) gets an error value, not a rejection.
      return err(storageFailed(databaseError('changing a job state', error)));
    }
  }

  private async transitionUnguarded(transition: Transition): Promise<Result<TransitionOutcome, JobError>> {
    const election = this.elect(transition);
    const { elected, replaced } = isPromiseLike(election) ? await election : election;
    const applied = await this.applyChanges([this.changeTo(transition, elected, replaced)]);
    if (applied.isErr()) {
      // A worker's job left as it is would only run again and end the same way: Hangfire records such a job as Failed.
      if (transition.lease !== undefined && refusedForContent(applied.error)) return this.failUnstorable(transition, elected, applied.error);
      return err(fromStorageError(applied.error));
    }
    const outcome = { applied: applied.value[0] === true, elected };
    // Checked before the call: an async call and its await allocate on every job, and most have no such filter.
    if (outcome.applied && this.filters.anyHas(transition.job.typeName, 'onStateApplied')) {
      await this.afterApplied({ jobId: transition.job.jobId, typeName: transition.job.typeName, oldState: transition.currentState, newState: elected });
    }
    return ok(outcome);
  }

  private changeTo(transition: Transition, elected: ElectedState, replaced: readonly RecordedState[]): StateChange {
    return {
      jobId: transition.job.jobId,
      from: transition.alsoFrom === undefined ? [transition.currentState] : [transition.currentState, ...transition.alsoFrom],
      lease: transition.lease,
      to: elected.to,
      reason: elected.reason,
      data: elected.data,
      replaced,
    };
  }

  /**
   * The elected state could not be stored (a filter put in a value the
   * history cannot hold, say): the job is recorded as Failed instead, with
   * why, and without filters, as Hangfire does, since a filter may well be
   * what failed. The elected state's own data and replaced states are lost
   * with it; the log keeps the storage's message.
   */
  private async failUnstorable(transition: Transition, elected: ElectedState, refusal: StorageError): Promise<Result<TransitionOutcome, JobError>> {
    const { jobId } = transition.job;
    const message = formatStorageError(refusal);
    this.logger.error(`The ${elected.to.name} state elected for job ${jobId} could not be stored; recording it as Failed, without filters: ${message}`, { jobId, error: refusal });
    const failed: ElectedState = {
      to: { name: 'Failed' },
      reason: `The ${elected.to.name} state elected for this job could not be stored: ${message}`,
      data: { errorType: 'StateNotStorable', message, stack: null, electedState: elected.to.name },
    };
    const applied = await this.applyChanges([this.changeTo(transition, failed, [])]);
    if (applied.isErr()) return err(storageFailed(applied.error));
    return ok({ applied: applied.value[0] === true, elected: failed });
  }

  /**
   * Runs the elect-state filters. Synchronous while they are (the usual ones,
   * AutomaticRetry among them, decide at once): a promise only once a filter
   * returns one, so the common completion awaits nothing here.
   */
  private elect(transition: Transition): Election | Promise<Election> {
    const replaced: RecordedState[] = [];
    const { jobId, typeName, methodName, queue, retryCount } = transition.job;
    const { getParameter, setParameter } = parameterAccess(this.storage, jobId);
    // Built field by field: object spread here cost about 10 µs per job (measured), on every completion.
    const context: ElectStateContext = {
      jobId, typeName, methodName, queue, retryCount,
      currentState: transition.currentState,
      candidate: transition.candidate,
      error: transition.error,
      replaced,
      getParameter, setParameter,
    };
    const filters = this.filters.filtersFor(transition.job.typeName);
    for (let index = 0; index < filters.length; index++) {
      const pending = this.runElectFilter(filters[index] as JobFilter, context);
      if (pending !== undefined) return this.electAfter(pending, filters, index + 1, context);
    }
    return { elected: context.candidate, replaced };
  }

  /** The rest of the election once a filter returned a promise: each later filter awaited in turn. */
  private async electAfter(pending: PromiseLike<unknown>, filters: readonly JobFilter[], next: number, context: ElectStateContext): Promise<Election> {
    await this.settleElectFilter(pending, context);
    for (let index = next; index < filters.length; index++) {
      const later = this.runElectFilter(filters[index] as JobFilter, context);
      if (later !== undefined) await this.settleElectFilter(later, context);
    }
    return { elected: context.candidate, replaced: context.replaced };
  }

  /**
   * Calls one filter's onStateElection; its promise when it returned one. A
   * throw is logged and the filter skipped, and so is a candidate that is not
   * one (`{ name: 'Deleted' }` for `{ to: { name: 'Deleted' } }`, an easy
   * slip): the candidate goes back to what it was before the filter, rather
   * than failing the transition, which would leave a worker's job to run
   * again and again.
   */
  private runElectFilter(filter: JobFilter, context: ElectStateContext): PromiseLike<unknown> | undefined {
    if (filter.onStateElection === undefined) return undefined;
    const before = context.candidate;
    try {
      const pending = filter.onStateElection(context);
      if (!isPromiseLike(pending)) {
        this.keepValidCandidate(context, before);
        return undefined;
      }
      return Promise.resolve(pending).then(
        () => this.keepValidCandidate(context, before),
        (error: unknown) => {
          this.logElectFailure(context, error);
          context.candidate = before;
        },
      );
    } catch (error) {
      this.logElectFailure(context, error);
      context.candidate = before;
      return undefined;
    }
  }

  private keepValidCandidate(context: ElectStateContext, before: ElectedState): void {
    if (isElectedState(context.candidate)) return;
    this.logger.error(
      `An elect-state filter set a candidate for job ${context.jobId} that is not a state (${describeCandidate(context.candidate)}); keeping the candidate before it. A candidate is { to: { name: ${JOB_STATES.map((s) => `'${s}'`).join(' | ')}, ... }, reason?, data? }`,
      { jobId: context.jobId },
    );
    context.candidate = before;
  }

  private async settleElectFilter(pending: PromiseLike<unknown>, context: ElectStateContext): Promise<void> {
    try {
      await pending;
    } catch (error) {
      this.logElectFailure(context, error);
    }
  }

  private logElectFailure(context: ElectStateContext, error: unknown): void {
    this.logger.error(`An elect-state filter failed for job ${context.jobId}; keeping the candidate: ${describeError(error)}`, { jobId: context.jobId, error });
  }

  private async afterApplied(context: ApplyStateContext): Promise<void> {
    for (const filter of this.filters.filtersFor(context.typeName)) {
      if (filter.onStateApplied === undefined) continue;
      try {
        await filter.onStateApplied(context);
      } catch (error) {
        this.logger.error(`An apply-state filter failed for job ${context.jobId}: ${describeError(error)}`, { jobId: context.jobId, error });
      }
    }
  }

  /**
   * Tells the apply-state filters of continuations the storage moved on when
   * their parent finished. The move happens inside the parent's own statement
   * (no extra round trip on the completion path), so unlike Hangfire, where
   * the parent's filter changes each continuation's state in turn, no
   * elect-state filter runs for it: the apply-state filters hear what
   * happened, Awaiting to Enqueued (or to Deleted when the parent's outcome
   * did not match the continuation's option).
   */
  async continuationsReleased(released: readonly ReleasedContinuation[]): Promise<void> {
    for (const continuation of released) {
      if (!this.filters.anyHas(continuation.typeName, 'onStateApplied')) continue;
      const to: TargetState = continuation.state === 'Enqueued' ? { name: 'Enqueued', queue: continuation.queue } : { name: 'Deleted' };
      const data = { parentId: continuation.parentId, parentState: continuation.parentState ?? null };
      await this.afterApplied({ jobId: continuation.jobId, typeName: continuation.typeName, oldState: 'Awaiting', newState: { to, reason: continuation.reason, data } });
    }
  }

  /**
   * Moves the continuations of finished parents on. The parent's final state
   * change does it in its own statement; the client calls this right after
   * creating a continuation, so whichever commits last sees the other; the
   * scheduler's sweep is the backstop if a process dies in between.
   */
  async releaseContinuations(parentIds: readonly JobId[]): Promise<void> {
    const released = await this.storage.releaseContinuations(parentIds);
    if (released.isErr()) this.logger.error(`Releasing continuations failed; the scheduler's sweep will retry: ${released.error.kind}`, { parentIds, error: released.error });
  }
}

/** Whether a filter's candidate has the shape of one: `{ to: { name } }` with a known state. */
function isElectedState(candidate: unknown): candidate is ElectedState {
  if (typeof candidate !== 'object' || candidate === null) return false;
  const to: unknown = (candidate as { to?: unknown }).to;
  return typeof to === 'object' && to !== null && (JOB_STATES as readonly unknown[]).includes((to as { name?: unknown }).name);
}

function describeCandidate(candidate: unknown): string {
  try {
    return (JSON.stringify(candidate) ?? String(candidate)).slice(0, 200);
  } catch {
    return Object.prototype.toString.call(candidate);
  }
}
