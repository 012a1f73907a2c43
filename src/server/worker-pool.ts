import { MAX_TIMER_DELAY_MS } from '../config/defaults.js';
import type { Logger } from '../logging/logger.js';
import { LazyAbortController } from '../mediator/lazy-abort-controller.js';
import type { FetchOutcome, JobStorage, LocalClaim } from '../storage/job-storage.js';
import type { FetchedJob, JobId, Lease } from '../storage/job-types.js';
import { formatStorageError, refusedForNow } from '../storage/storage-error.js';
import { ServerStopping, type JobPerformer, type PerformOutcome } from './job-performer.js';
import { LeaseRequests } from './lease-requests.js';

/** Settings of a worker pool. */
export interface WorkerPoolSettings {
  readonly serverName: string;
  readonly workerCount: number;
  readonly queues: readonly string[];
  /** Lease length; renewed every third of it while a job runs. */
  readonly invisibilityTimeoutMs: number;
  /** Poll when no notification arrives (the backstop). */
  readonly queuePollIntervalMs: number;
  /** How often to look for jobs leased to this server that no worker holds (see releaseStrayLeases); undefined turns it off. */
  readonly strayLeaseCheckMs?: number | undefined;
}

interface Running {
  readonly job: FetchedJob;
  /** True while the handler runs; a finished one only waits for its outcome to be recorded. */
  handlerRunning: boolean;
  readonly cancellation: LazyAbortController;
  done: Promise<void>;
}

/**
 * How many jobs a pool may hold per worker: one running, plus finished ones
 * whose outcome waits for the completion batch. Bounds memory and leases if
 * the database falls behind. Below 4, short jobs fill the bound before the
 * workers are all busy and each fetch claims fewer jobs than there are idle
 * workers (bench: 2 gave 65 jobs per fetch with 100 workers, 4 gave 98, and
 * about 8% more throughput).
 */
const HELD_PER_WORKER = 4;

/**
 * Fetch loops per pool. One loop waits out every fetch's round trip before it
 * claims more, while the database has a core to spare; with a backlog a second
 * loop claims the next jobs meanwhile (SKIP LOCKED keeps the two apart). Each
 * claims at most its share of the workers, so both fill them. The second loop
 * fetches only while the last fetch came back full, so an idle or lightly
 * loaded pool still runs one fetch per wake-up. Probe, 20,000 no-op jobs with
 * 100 workers, 3 paired runs: 8,070 / 8,952 / 8,987 jobs/s with one loop,
 * 9,737 / 11,954 / 10,332 with two; three loops were slower than two.
 */
const FETCH_LOOPS = 2;

/** The most stray leases handed back per check; more wait for the next. */
const STRAY_LEASES_PER_CHECK = 1_000;

/** The history reason of a job handed back by the stray-lease check. */
export const STRAY_LEASE_REASON = 'Leased to this server, but the answer of the statement that leased it never arrived; handed back to its queue';

/** How a notification or a freed worker reaches one sleeping fetch loop. */
interface FetchLoopState {
  wake: (() => void) | undefined;
  wakeRequested: boolean;
  /** The pause before fetching again after a refusal for a passing reason; 0 after a fetch that worked. */
  refusedDelayMs: number;
}

/** First pause after a fetch refused for a passing reason (a deadlock, a statement timeout...); doubles up to the poll interval. */
const FIRST_REFUSED_FETCH_DELAY_MS = 50;

/** A job's `done` until its run is under way: one shared settled promise, not one per job. */
const SETTLED: Promise<void> = Promise.resolve();

/**
 * WorkerCount workers fed by one fetch loop, and a second one while there is a
 * backlog (see FETCH_LOOPS): each fetch claims as many jobs as there are free
 * workers (up to its loop's share), in one statement. A worker is free again
 * as soon as its handler is done: recording the outcome joins the completion batch
 * while the worker already runs its next job, so fetching and completing
 * overlap instead of taking turns. An idle pool sleeps until a
 * notification (a job enqueued in one of its queues), a worker freeing up
 * while jobs may still be waiting (see workMayWait), or the poll interval. All in-flight leases are renewed together by one
 * statement; a lease found lost (the job was deleted, or taken over after a
 * stall) aborts that job's signal.
 */
export class WorkerPool {
  /** Every job whose lease this pool holds: running, or finished with its outcome not yet recorded. */
  private readonly running = new Map<JobId, Running>();
  /** Jobs whose handlers are running: what WorkerCount limits. */
  private busyWorkers = 0;
  /** Jobs whose handlers stopped because the server is stopping: handed back with the unfinished ones. */
  private readonly interrupted: Lease[] = [];
  private readonly stopping = new AbortController();
  private readonly fetchLoops: FetchLoopState[];
  /** Workers promised to fetches (or local claims) still in flight, so no free worker is claimed twice. */
  private claiming = 0;
  /** The last fetch came back full: more jobs are likely waiting, so every loop fetches. */
  private backlogged = false;
  /**
   * Jobs may be waiting in this pool's queues: true until a fetch comes back
   * short with no notification heard while it ran, and again at the next
   * notification or failed fetch. A freed worker wakes the fetch only while it
   * is true: otherwise every finished job cost a fetch that found nothing
   * (two, in fact: one when the handler ended, one when its outcome was
   * recorded). What no notification announces (a lease that ran out on
   * another server) is found by the poll, as on an idle pool.
   */
  private workMayWait = true;
  /** Notifications of jobs enqueued in this pool's queues, counted: tells a fetch whether one arrived while it ran. */
  private enqueuedNotices = 0;
  private freedPending = false;
  /** Claims handed to job creation in this process and not yet settled: stop waits for them. */
  private readonly openClaims = new Set<Promise<void>>();
  /** Fetches and claims by id, and which of them are still on their way (see releaseStrayLeases). */
  private readonly leaseRequests = new LeaseRequests();
  private strayCheck: Promise<void> | undefined;
  private loop: Promise<unknown> | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  /** The storage was closed while the pool stopped: nothing is renewed or handed back any more. */
  private closedWhileStopping = false;
  private strayTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly storage: JobStorage,
    private readonly performer: JobPerformer,
    private readonly settings: WorkerPoolSettings,
    private readonly logger: Logger,
  ) {
    const loops = Math.min(FETCH_LOOPS, settings.workerCount);
    this.fetchLoops = Array.from({ length: loops }, () => ({ wake: undefined, wakeRequested: false, refusedDelayMs: 0 }));
  }

  start(): void {
    this.loop ??= Promise.all(this.fetchLoops.map((state, index) => this.fetchLoop(state, index === 0)));
    // Capped at what a timer can wait: beyond it Node fires at once, and leases would be renewed every millisecond.
    const renewEvery = Math.min(MAX_TIMER_DELAY_MS, Math.max(50, Math.floor(this.settings.invisibilityTimeoutMs / 3)));
    this.renewTimer = setInterval(() => void this.renewLeases(), renewEvery);
    this.renewTimer.unref();
    if (this.settings.strayLeaseCheckMs !== undefined) {
      this.strayTimer = setInterval(() => {
        this.strayCheck ??= this.releaseStrayLeases().finally(() => (this.strayCheck = undefined));
      }, this.settings.strayLeaseCheckMs);
      this.strayTimer.unref();
    }
  }

  /** A job was enqueued in `queue` somewhere: fetch now if it is one of ours. */
  notifyEnqueued(queue: string): void {
    if (!this.settings.queues.includes(queue)) return;
    this.enqueuedNotices++;
    this.workMayWait = true;
    this.wake();
  }

  /**
   * Reserves an idle worker for a job about to be enqueued in `queue` by this
   * process, so the creating statement can claim it (see LocalClaim): the job
   * starts without waiting for the notification and a fetch. Undefined when
   * the pool does not serve the queue, is stopping, has no free worker, or has
   * a backlog (its fetches keep queue order).
   */
  claimForNewJob(queue: string): LocalClaim | undefined {
    if (this.loop === undefined || this.stopping.signal.aborted || this.backlogged) return undefined;
    const position = this.settings.queues.indexOf(queue);
    if (position < 0 || this.freeWorkers() < 1) return undefined;
    this.claiming++;
    const request = this.leaseRequests.begin();
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    this.openClaims.add(settled);
    let open = true;
    const close = (): boolean => {
      if (!open) return false;
      open = false;
      this.claiming--;
      this.openClaims.delete(settled);
      settle();
      return true;
    };
    return {
      owner: this.settings.serverName,
      request,
      leaseMs: this.settings.invisibilityTimeoutMs,
      queuesUpTo: this.settings.queues.slice(0, position + 1),
      launch: (outcome: FetchOutcome) => {
        if (!close()) return;
        if (outcome.isErr()) {
          // The request stays open while the job is failed: its lease is not stray meanwhile (as in a fetch).
          void this.failMalformed(outcome.error).finally(() => this.leaseRequests.end(request));
          return;
        }
        // Stopping meanwhile: stop() collects it with the jobs handed back.
        if (this.stopping.signal.aborted) this.interrupted.push(outcome.value.lease);
        else this.launch(outcome.value);
        this.leaseRequests.end(request);
      },
      release: () => {
        if (close()) this.leaseRequests.end(request);
      },
    };
  }

  /** A job was deleted somewhere: abort it if it runs here. */
  notifyDeleted(jobId: JobId): void {
    this.abortHandler(jobId, new Error(`job ${jobId} was deleted`));
  }

  /** Whether this pool holds the job's lease (running, or its outcome not yet recorded). */
  holds(jobId: JobId): boolean {
    return this.running.has(jobId);
  }

  /** The jobs running now. */
  get inFlight(): readonly FetchedJob[] {
    return [...this.running.values()].map((entry) => entry.job);
  }

  /**
   * Graceful stop: fetch no more, signal every running handler, wait up to
   * `timeoutMs` for them, then hand the unfinished jobs back to the head of
   * their queues, renewing the leases until then. Returns the leases handed
   * back. Without `handBack` (the storage is closed) the unfinished jobs keep
   * their leases, which expire.
   * Stops fetching synchronously, before the first await.
   */
  async stop(timeoutMs: number, handBack = true): Promise<Lease[]> {
    this.stopping.abort();
    this.wake();
    // The leases are renewed while the handlers get their ShutdownTimeout: a lease that ran out meanwhile let
    // another server run the job a second time, beside the handler still finishing here. A closed storage
    // renews nothing, so there the renewals stop at once.
    if (!handBack) clearInterval(this.renewTimer);
    clearInterval(this.strayTimer);
    await this.loop;
    await this.strayCheck;
    await Promise.all(this.openClaims);
    for (const jobId of this.running.keys()) this.abortHandler(jobId, new ServerStopping());
    const all = Promise.all([...this.running.values()].map((entry) => entry.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    clearInterval(this.renewTimer);
    const unfinished = [...this.interrupted, ...[...this.running.values()].map((entry) => entry.job.lease)];
    if (unfinished.length === 0 || !handBack || this.closedWhileStopping) return [];
    const released = await this.storage.releaseJobs(unfinished, 'Server stopped before the job finished; handed back to its queue');
    return released.match(
      (ids) => unfinished.filter((lease) => ids.includes(lease.jobId)),
      (error) => {
        // The server already warned that the storage closed under its stop.
        if (this.closedWhileStopping) return [];
        this.logger.error(`Handing back ${unfinished.length} unfinished jobs failed; their leases will expire instead: ${error.kind}`, { error });
        return [];
      },
    );
  }

  /** The storage was closed while the pool stops: the renewals end, and its jobs keep their leases (see stop). */
  storageClosed(): void {
    this.closedWhileStopping = true;
    clearInterval(this.renewTimer);
  }

  /** Whether the storage was closed while the pool stopped. */
  get storageGone(): boolean {
    return this.closedWhileStopping;
  }

  /** Aborts a job's signal while its handler runs; a handler that is done is left alone (it may still hold listeners). */
  private abortHandler(jobId: JobId, reason: Error): void {
    const entry = this.running.get(jobId);
    if (entry?.handlerRunning === true) entry.cancellation.abort(reason);
  }

  private wake(): void {
    for (const state of this.fetchLoops) {
      if (state.wake !== undefined) state.wake();
      else state.wakeRequested = true;
    }
  }

  /**
   * A worker finished. Completions are recorded in batches, so several workers
   * usually free up in the same turn of the event loop: waiting for the next
   * turn lets one fetch claim jobs for all of them instead of one each.
   */
  private workerFreed(): void {
    if (this.freedPending) return;
    this.freedPending = true;
    setImmediate(() => {
      this.freedPending = false;
      if (this.workMayWait || this.backlogged) this.wake();
    });
  }

  /** One fetch loop; the first always fetches, the others only while the pool is backlogged (see FETCH_LOOPS). */
  private async fetchLoop(state: FetchLoopState, first: boolean): Promise<void> {
    const share = Math.ceil(this.settings.workerCount / this.fetchLoops.length);
    while (!this.stopping.signal.aborted) {
      const free = this.freeWorkers();
      const limit = (first || this.backlogged) ? Math.min(free, share) : 0;
      let fetchedAll = false;
      if (limit > 0) {
        this.claiming += limit;
        const request = this.leaseRequests.begin();
        const noticesBefore = this.enqueuedNotices;
        const fetched = await this.storage.fetchJobs({ queues: this.settings.queues, limit, owner: this.settings.serverName, leaseMs: this.settings.invisibilityTimeoutMs, request });
        if (fetched.isErr()) {
          // Refused for a passing reason, the fetch goes again shortly: waiting out the poll interval would stall a backlog.
          state.refusedDelayMs = refusedForNow(fetched.error) ? Math.min(Math.max(state.refusedDelayMs * 2, FIRST_REFUSED_FETCH_DELAY_MS), this.settings.queuePollIntervalMs) : 0;
          // Stopping meanwhile, the loop ends here: a fetch refused because the storage was closed is no news.
          this.workMayWait = true;
          if (!this.stopping.signal.aborted) this.logger.error(`Fetching jobs failed; retrying after ${state.refusedDelayMs > 0 ? `${state.refusedDelayMs} ms` : 'the poll interval'}: ${formatStorageError(fetched.error)}`, { error: fetched.error });
        } else {
          state.refusedDelayMs = 0;
          for (const outcome of fetched.value) {
            if (outcome.isOk()) this.launch(outcome.value);
            else await this.failMalformed(outcome.error);
          }
          // A full fetch suggests more are waiting: go again without sleeping, and bring in the other loops.
          fetchedAll = fetched.value.length === limit;
          this.workMayWait = fetchedAll || this.enqueuedNotices !== noticesBefore;
          // A wake asked for while this fetch ran (a worker freed, another loop's fetch) has nothing left to find
          // when this one came back short with no notification meanwhile: the queues were empty as it read them.
          if (!this.workMayWait) state.wakeRequested = false;
          if (fetchedAll !== this.backlogged) {
            this.backlogged = fetchedAll;
            if (fetchedAll) this.wake();
          }
        }
        // Only now: while a malformed job was being failed above, the jobs not yet launched were still promised.
        this.claiming -= limit;
        this.leaseRequests.end(request);
      }
      if (!fetchedAll || limit <= 0) await this.idle(state, state.refusedDelayMs > 0 ? state.refusedDelayMs : this.settings.queuePollIntervalMs);
    }
  }

  /** Workers neither busy nor promised to a fetch or claim in flight (bounded by HELD_PER_WORKER too). */
  private freeWorkers(): number {
    return Math.min(this.settings.workerCount - this.busyWorkers, this.settings.workerCount * HELD_PER_WORKER - this.running.size) - this.claiming;
  }

  private launch(job: FetchedJob): void {
    const cancellation = new LazyAbortController();
    const entry: Running = { job, cancellation, handlerRunning: true, done: SETTLED };
    this.running.set(job.id, entry);
    this.busyWorkers++;
    const freeWorker = () => {
      if (!entry.handlerRunning) return;
      entry.handlerRunning = false;
      this.busyWorkers--;
      this.workerFreed();
    };
    const performed = this.performer.perform(job, cancellation, freeWorker).catch((error: unknown): PerformOutcome => {
      // perform() is built never to reject; should it ever, the worker must survive: the job's lease runs out and it runs again.
      this.logger.error(`Running job ${job.id} failed unexpectedly; it will run again when its lease expires`, { jobId: job.id, error });
      return 'recorded';
    });
    entry.done = performed.then((outcome) => {
      if (outcome === 'interrupted') this.interrupted.push(job.lease);
      // The same job may have been fetched again while this run went on (deleted and requeued, or its
      // lease lost): the new run's entry replaced this one and must stay, or its lease would lapse.
      if (this.running.get(job.id) === entry) this.running.delete(job.id);
      freeWorker();
      // A recorded outcome may be what held the pool back (see HELD_PER_WORKER).
      this.workerFreed();
    });
  }

  private async failMalformed(malformed: { jobId: JobId; lease: Lease; message: string }): Promise<void> {
    this.logger.error(malformed.message, { jobId: malformed.jobId });
    const failed = await this.storage.changeState({ jobId: malformed.jobId, from: ['Processing'], lease: malformed.lease, to: { name: 'Failed' }, reason: malformed.message, data: { errorType: 'MalformedJob', message: malformed.message, stack: null } });
    if (failed.isErr()) this.logger.error(`Failing malformed job ${malformed.jobId} failed: ${failed.error.kind}`, { error: failed.error });
  }

  /** Sleeps until woken (notification, freed worker, stop) or the poll interval passes. */
  private idle(state: FetchLoopState, timeoutMs: number): Promise<void> {
    if (state.wakeRequested) {
      state.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      state.wake = () => {
        state.wake = undefined;
        done();
      };
    }).finally(() => {
      state.wake = undefined;
      state.wakeRequested = false;
    });
  }

  private async renewLeases(): Promise<void> {
    const leases = this.inFlight.map((job) => job.lease);
    if (leases.length === 0) return;
    const renewed = await this.storage.renewLeases(leases, this.settings.invisibilityTimeoutMs);
    renewed.match(
      ({ lost }) => {
        for (const jobId of lost) this.abortHandler(jobId, new Error(`the lease on job ${jobId} was lost`));
      },
      (error) => {
        // A storage closed under the stop is reported once by the server (the jobs keep their leases until
        // they expire): its refusal (Closed), or a renewal in flight as it closed, is no news. Any other
        // failure matters as much while stopping: the handlers are still finishing, and a lease that lapses
        // lets another server run the job beside them.
        if (this.stopping.signal.aborted && (error.kind === 'Closed' || this.closedWhileStopping)) return;
        this.logger.warn(`Renewing ${leases.length} leases failed; retrying at the next renewal: ${error.kind}`, { error });
      },
    );
  }

  /**
   * Hands back jobs the database shows leased to this server that no worker
   * holds: a fetch or local claim that committed but whose answer was lost
   * with its connection, which would otherwise wait out InvisibilityTimeout.
   * Every fetch and claim records its request id on the jobs it leases, and
   * the pool ends a request only once its jobs are launched (or failed as
   * malformed, or its failure is logged). So a job read here whose request
   * is over, and that no worker holds once the answer is back, has no worker
   * waiting for it. Decided when the answer is back, not from the snapshot:
   * a request that started after the read is still open, or its jobs are
   * held, by then. Only this pool's requests are read, so another process
   * under the same configured ServerName is never touched. The hand-back is
   * fenced by the lease.
   */
  private async releaseStrayLeases(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    const found = await this.storage.findStrayLeases(this.settings.serverName, this.leaseRequests.prefix, [...this.running.keys()], STRAY_LEASES_PER_CHECK);
    if (found.isErr()) {
      // Stopping meanwhile (the storage may just have been closed): the next check never comes.
      if (this.stopping.signal.aborted) return;
      this.logger.warn(`Looking for jobs leased to this server but not held failed; retrying at the next check: ${found.error.kind}`, { error: found.error });
      return;
    }
    const stray = found.value.filter((lease) => !this.leaseRequests.isOpen(lease.request) && !this.running.has(lease.jobId));
    // Stopping meanwhile: stop() hands back what this pool holds; anything else waits for its lease.
    if (stray.length === 0 || this.stopping.signal.aborted) return;
    const released = await this.storage.releaseJobs(stray, STRAY_LEASE_REASON);
    released.match(
      (ids) => {
        if (ids.length > 0) this.logger.warn(`Handed back ${ids.length} job(s) leased to this server that no worker held (the answer leasing them was lost): ${ids.join(', ')}`, { jobIds: ids });
      },
      (error) => this.logger.warn(`Handing back ${stray.length} stray leases failed; retrying at the next check: ${error.kind}`, { error }),
    );
  }
}
