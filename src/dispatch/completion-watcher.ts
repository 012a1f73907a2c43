import { err, errAsync, ok, ResultAsync, type Result } from 'neverthrow';
import { MAX_TIMER_DELAY_MS } from '../config/defaults.js';
import { fromStorageError, jobNotFound, storageFailed } from '../jobs/job-error.js';
import { optionNames, optionsNotTaken, unknownOptionNames } from '../client/option-names.js';
import { containedLogger, silentLogger, type Logger } from '../logging/logger.js';
import type { Unsubscribe } from '../storage/database.js';
import { parseJobId } from '../storage/input-validation.js';
import type { JobStorage } from '../storage/job-storage.js';
import { FINAL_STATES, type JobId, type JobOutcome, type StateName } from '../storage/job-types.js';
import { formatStorageError } from '../storage/storage-error.js';
import type { StorageEvent } from '../storage/storage-events.js';
import { mapOk } from '../results/map-ok.js';
import { aborted, timedOut, type AwaitError } from './await-error.js';

/** How often awaited jobs' states are read while any are awaited: the backstop for a lost notification. */
export const DEFAULT_AWAIT_POLL_INTERVAL_MS = 1_000;
/**
 * How long the subscription is kept after the last wait ended, so a caller
 * awaiting one job after another does not LISTEN and UNLISTEN (and, on
 * PostgreSQL, reconnect the listening connection) each time.
 */
export const DEFAULT_AWAIT_IDLE_UNSUBSCRIBE_MS = 5_000;
/** What a wait takes: any other name (enqueueAwait's `timeout`, say) is refused rather than dropped, which would wait for ever. */
const WAIT_OPTION_NAMES = optionNames<WaitOptions>({ timeoutMs: true, signal: true });
/** The most job ids one poll statement reads. */
const POLL_BATCH = 1_000;

/** The states a job does not leave on its own. */
export type FinalState = 'Succeeded' | 'Failed' | 'Deleted';

/** Settings of a watcher; every field may be omitted. */
export interface CompletionWatcherOptions {
  /** Default {@link DEFAULT_AWAIT_POLL_INTERVAL_MS}. */
  readonly pollIntervalMs?: number | undefined;
  /** Default {@link DEFAULT_AWAIT_IDLE_UNSUBSCRIBE_MS}. */
  readonly idleUnsubscribeMs?: number | undefined;
  /** Told when listening or polling fails (both are retried); default: silent. */
  readonly logger?: Logger | undefined;
}

/** Options of one wait. */
export interface WaitOptions {
  /** Give up after this many ms with `Timeout`; default: wait as long as it takes. */
  readonly timeoutMs?: number | undefined;
  /** Give up with `Aborted` when this is aborted. */
  readonly signal?: AbortSignal | undefined;
}

/** How an awaited job ended: its final state and, for a wait that asked for it, the stored result of a Succeeded job. */
export interface FinishedJob {
  readonly state: FinalState;
  /** JSON text; `undefined` when not asked for, not Succeeded, or the handler returned nothing. */
  readonly result: string | undefined;
}

interface Waiter {
  readonly jobId: JobId;
  /** Whether the job's stored result is read with its state (enqueueAwait's waits). */
  readonly wantsResult: boolean;
  settle(outcome: Result<FinishedJob, AwaitError>): void;
}

/**
 * Tells callers when jobs reach a final state, whichever process runs them:
 * a registry of job id → waiters over ONE storage subscription, however many
 * jobs are awaited. The subscription is taken when the first wait starts and
 * dropped a while after the last one ends.
 *
 * Completion is observed through the database: the `Finished` notification
 * (LISTEN/NOTIFY, delivered on commit) settles a wait at once; while any wait
 * is open, the states of all awaited jobs are read every `pollIntervalMs` in
 * one statement, and once more when the listening connection is re-established,
 * because notifications sent while it was down are lost.
 *
 * A job may finish before its wait is registered (a fast worker). So a wait
 * is registered first and the job's state is read once the subscription is
 * live: a completion before that is seen by the read, one after it by the
 * notification.
 */
export class CompletionWatcher {
  readonly #storage: JobStorage;
  readonly #pollIntervalMs: number;
  readonly #idleUnsubscribeMs: number;
  readonly #logger: Logger;
  readonly #waiters = new Map<JobId, Set<Waiter>>();
  readonly #toCheck = new Set<JobId>();
  #subscription: Promise<Unsubscribe | undefined> | undefined;
  #checkScheduled = false;
  #pollTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #polling = false;
  #closed = false;
  readonly #stopHearingClose: () => void;

  /** Watches jobs in `storage`. */
  constructor(storage: JobStorage, options: CompletionWatcherOptions = {}) {
    this.#storage = storage;
    this.#pollIntervalMs = options.pollIntervalMs ?? DEFAULT_AWAIT_POLL_INTERVAL_MS;
    this.#idleUnsubscribeMs = options.idleUnsubscribeMs ?? DEFAULT_AWAIT_IDLE_UNSUBSCRIBE_MS;
    this.#logger = containedLogger(options.logger ?? silentLogger);
    // Waits end as soon as the storage closes, rather than at their next poll (up to pollIntervalMs later).
    this.#stopHearingClose = storage.onClosed(() => this.#storageClosed());
  }

  /** Whether `close` was called: every wait is then refused. */
  get closed(): boolean {
    return this.#closed;
  }

  /** How many jobs are being awaited right now. */
  get awaitedJobs(): number {
    return this.#waiters.size;
  }

  /**
   * Resolves with the final state job `jobId` reaches (Succeeded, Failed or
   * Deleted; a job already in one resolves at once). Errors: `Timeout`,
   * `Aborted`, `JobNotFound` (it does not exist, or expired), `InvalidOptions`
   * (not a job id, a bad timeout, or an option it does not take, such as
   * enqueueAwait's `timeout`), `StorageFailed` (the storage was closed).
   * Giving up leaves the job as it is.
   */
  waitFor(jobId: JobId, given: WaitOptions = {}): ResultAsync<FinalState, AwaitError> {
    return mapOk(this.#wait(jobId, given, false, 'waitFor'), (finished) => finished.state);
  }

  /**
   * As waitFor, and for a job that Succeeded, its stored result too (JSON
   * text), read in the same statement as its state: what enqueueAwait needs,
   * without a second read, and without a job that expired between two reads
   * looking like one whose handler returned nothing.
   */
  waitForOutcome(jobId: JobId, given: WaitOptions = {}): ResultAsync<FinishedJob, AwaitError> {
    return this.#wait(jobId, given, true, 'waitForOutcome');
  }

  #wait(jobId: JobId, given: WaitOptions, wantsResult: boolean, call: string): ResultAsync<FinishedJob, AwaitError> {
    // Before anything reads them: a JavaScript caller's `{ timeout: 5000 }` (enqueueAwait's name) would otherwise wait for ever.
    const unknown = unknownOptionNames(given, call, WAIT_OPTION_NAMES);
    if (unknown.isErr()) return errAsync(unknown.error);
    if (unknown.value.length > 0) return errAsync(optionsNotTaken(call, unknown.value, WAIT_OPTION_NAMES, 'Nothing is awaited.'));
    // JavaScript callers pass null for "no options".
    const options = given ?? {};
    const checked = parseJobId(jobId, 'awaiting a job');
    if (checked.isErr()) return errAsync(fromStorageError(checked.error));
    const timeoutMs = options.timeoutMs;
    const badTimeout = invalidTimeout(timeoutMs);
    if (badTimeout !== undefined) return errAsync({ kind: 'InvalidOptions', message: badTimeout });
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) return errAsync({ kind: 'InvalidOptions', message: 'signal must be an AbortSignal' });
    if (this.#closed) return errAsync(aborted(jobId, 'the completion watcher is closed'));
    if (options.signal?.aborted === true) return errAsync(aborted(jobId));
    return ResultAsync.fromSafePromise(
      new Promise<Result<FinishedJob, AwaitError>>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const onAbort = (): void => waiter.settle(err(aborted(jobId)));
        const waiter: Waiter = {
          jobId,
          wantsResult,
          settle: (outcome) => {
            if (!this.#remove(waiter)) return;
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', onAbort);
            resolve(outcome);
          },
        };
        this.#add(waiter);
        if (timeoutMs !== undefined) timer = setTimeout(() => waiter.settle(err(timedOut(jobId, timeoutMs))), timeoutMs);
        options.signal?.addEventListener('abort', onAbort, { once: true });
        this.#checkOnceListening(jobId);
      }),
    ).andThen((outcome) => outcome);
  }

  /** Ends every open wait with `Aborted` and drops the subscription; later waits are refused. */
  close(): ResultAsync<void, never> {
    this.#closed = true;
    this.#stopHearingClose();
    for (const waiters of [...this.#waiters.values()]) for (const waiter of [...waiters]) waiter.settle(err(aborted(waiter.jobId, 'the completion watcher was closed')));
    clearInterval(this.#pollTimer);
    clearTimeout(this.#idleTimer);
    return ResultAsync.fromSafePromise(this.#unsubscribe());
  }

  #add(waiter: Waiter): void {
    const becameBusy = this.#waiters.size === 0;
    let waiters = this.#waiters.get(waiter.jobId);
    if (waiters === undefined) {
      waiters = new Set();
      this.#waiters.set(waiter.jobId, waiters);
    }
    waiters.add(waiter);
    if (!becameBusy) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    // Referenced on purpose: an open wait keeps the process alive, as the awaited promise would.
    this.#pollTimer = setInterval(() => void this.#poll(), this.#pollIntervalMs);
  }

  /** Removes a waiter; false when it was settled already. */
  #remove(waiter: Waiter): boolean {
    const waiters = this.#waiters.get(waiter.jobId);
    if (waiters?.delete(waiter) !== true) return false;
    if (waiters.size === 0) this.#waiters.delete(waiter.jobId);
    if (this.#waiters.size === 0) this.#becameIdle();
    return true;
  }

  #becameIdle(): void {
    clearInterval(this.#pollTimer);
    this.#pollTimer = undefined;
    if (this.#closed) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      if (this.#waiters.size === 0) void this.#unsubscribe();
    }, this.#idleUnsubscribeMs);
    this.#idleTimer.unref();
  }

  /** The storage was closed: no state can be read any more, so every open wait ends with StorageFailed. */
  #storageClosed(): void {
    const closed = storageFailed({ kind: 'Closed', operation: 'awaiting jobs' });
    for (const jobId of [...this.#waiters.keys()]) this.#settleAll(jobId, err(closed));
  }

  #settleAll(jobId: JobId, outcome: Result<FinishedJob, AwaitError>): void {
    for (const waiter of [...(this.#waiters.get(jobId) ?? [])]) waiter.settle(outcome);
  }

  /** Resolves once the subscription is live, or once taking it failed (polling then carries on alone and retries it). */
  #listening(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#subscription === undefined) {
      const attempt = this.#storage.subscribe(
        (event) => this.#onEvent(event),
        () => void this.#checkAll(),
      ).match(
        (unsubscribe): Unsubscribe | undefined => unsubscribe,
        (error) => {
          this.#logger.warn(`Listening for finished jobs failed; awaited jobs are polled every ${this.#pollIntervalMs} ms meanwhile: ${formatStorageError(error)}`, { error });
          return undefined;
        },
      );
      this.#subscription = attempt;
      void attempt.then((unsubscribe) => {
        if (unsubscribe === undefined && this.#subscription === attempt) this.#subscription = undefined;
      });
    }
    return this.#subscription.then(() => undefined);
  }

  async #unsubscribe(): Promise<void> {
    const subscription = this.#subscription;
    this.#subscription = undefined;
    const unsubscribe = await subscription;
    await unsubscribe?.().catch((error: unknown) => this.#logger.warn('Stopping to listen for finished jobs failed', { error }));
  }

  #onEvent(event: StorageEvent): void {
    // The notification says which job to look at; the database says how it ended. Anyone who can
    // NOTIFY on the channel could claim a running job succeeded, and the wait would read no result.
    if (event.kind === 'Finished' && this.#waiters.has(event.jobId)) this.#checkOnceListening(event.jobId);
  }

  /** Reads the job's state once the subscription is live; waits registered in the same turn share one statement. */
  #checkOnceListening(jobId: JobId): void {
    this.#toCheck.add(jobId);
    if (this.#checkScheduled) return;
    this.#checkScheduled = true;
    void this.#listening()
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        this.#checkScheduled = false;
        const ids = [...this.#toCheck];
        this.#toCheck.clear();
        return this.#check(ids);
      });
  }

  async #poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      // Retried here after a failure, but not awaited: a subscription that hangs must not stall the poll.
      if (this.#subscription === undefined) void this.#listening();
      await this.#checkAll();
    } finally {
      this.#polling = false;
    }
  }

  async #checkAll(): Promise<void> {
    await this.#check([...this.#waiters.keys()]);
  }

  /** Settles the waits of those jobs that are final or gone. A failed read is retried by the next poll, unless the storage is closed. */
  async #check(jobIds: readonly JobId[]): Promise<void> {
    const awaited = jobIds.filter((id) => this.#waiters.has(id));
    for (let start = 0; start < awaited.length; start += POLL_BATCH) {
      const batch = awaited.slice(start, start + POLL_BATCH);
      const resultsOf = batch.filter((id) => [...(this.#waiters.get(id) ?? [])].some((waiter) => waiter.wantsResult));
      const outcomes = await this.#storage.getOutcomes(batch, resultsOf).match(
        (found): Map<JobId, JobOutcome> | undefined => found,
        (error) => {
          if (error.kind === 'Closed') {
            for (const id of batch) this.#settleAll(id, err(storageFailed(error)));
          } else {
            this.#logger.warn(`Reading the states of awaited jobs failed; retrying in ${this.#pollIntervalMs} ms: ${formatStorageError(error)}`, { error });
          }
          return undefined;
        },
      );
      if (outcomes === undefined) continue;
      for (const id of batch) {
        const outcome = outcomes.get(id);
        // Gone: never created, or finished and expired before anyone looked.
        if (outcome === undefined) this.#settleAll(id, err(jobNotFound(id)));
        else if (isFinal(outcome.state)) this.#settleAll(id, ok({ state: outcome.state, result: outcome.result }));
      }
    }
  }
}

function isFinal(state: StateName): state is FinalState {
  return FINAL_STATES.includes(state);
}

/**
 * Why `timeoutMs` cannot time a wait, or undefined when it can: from 0 ms up
 * to the longest delay a timer honours (about 24.8 days; a longer one would
 * fire at once). No timeout at all is waiting as long as it takes.
 */
export function invalidTimeout(timeoutMs: number | undefined): string | undefined {
  if (timeoutMs === undefined) return undefined;
  if (!(Number.isFinite(timeoutMs) && timeoutMs >= 0)) return `timeout must be 0 ms or more, not ${String(timeoutMs)}`;
  if (timeoutMs > MAX_TIMER_DELAY_MS) return `timeout must be at most ${MAX_TIMER_DELAY_MS} ms (about 24.8 days; leave it out to wait as long as it takes), not ${timeoutMs}`;
  return undefined;
}
