/**
 * What every library under measurement implements, so each scenario is
 * written once. A subject lives in one child process and one fresh schema.
 * Every job carries a number `n`; the worker reports it the moment the
 * library hands the job to our no-op handler.
 */
export interface BenchSubject {
  /** Display name in the table. */
  readonly name: string;
  /** Connects and creates the library's fresh schema (not timed). */
  open(): Promise<void>;
  /** Stores one job through the library's single-job call. */
  enqueue(n: number): Promise<void>;
  /** Stores the jobs through the library's batch call, in one round trip where the library allows. */
  enqueueBatch(ns: readonly number[]): Promise<void>;
  /** Starts a worker (a server, a runner...) in this process; `onJob` is called at the start of every handler. */
  startWorker(onJob: (n: number) => void): Promise<void>;
  /** Stops the worker started by `startWorker`, letting running jobs finish. */
  stopWorker(): Promise<void>;
  /** Jobs stored but not yet recorded as finished in the database (queued, running, or completion not committed). */
  unfinishedJobs(): Promise<number>;
  /** Closes every pool and timer, so the process can exit. */
  close(): Promise<void>;
}

/** A subject that also offers a request/response round trip through a worker (ours only). */
export interface AwaitingSubject extends BenchSubject {
  /** Enqueues a job and resolves once a worker has run it and its result is back. */
  enqueueAwait(n: number): Promise<void>;
}

/** Where a subject connects and which schema it owns. */
export interface SubjectTarget {
  /** PostgreSQL connection string; unused by the embedded subject. */
  readonly url: string;
  readonly schema: string;
}
