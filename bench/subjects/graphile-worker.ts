/**
 * graphile-worker in its fastest documented configuration (worker.graphile.org
 * "Performance": concurrentJobs 24, maxPoolSize 25, localQueue of 500, job
 * completions and failures batched with delay 0; prepared statements on, the
 * default). Jobs are added through WorkerUtils (`addJob`, `addJobs`); the worker
 * is a runner from `run()` in this process.
 */
import { Logger, makeWorkerUtils, run, type Runner, type WorkerUtils } from 'graphile-worker';
import pg from 'pg';
import type { BenchSubject, SubjectTarget } from '../subject.js';

const TASK = 'bench_noop';

/** The documented performance preset, plus what a benchmark needs (no signal handlers, no crontab file). */
export const GRAPHILE_WORKER_PRESET = {
  concurrentJobs: 24,
  maxPoolSize: 25,
  localQueue: { size: 500 },
  completeJobBatchDelay: 0,
  failJobBatchDelay: 0,
  // The default; only the backstop, since add_job wakes the workers with NOTIFY.
  pollInterval: 2000,
} as const;

/** Pool size of the WorkerUtils that add jobs (enough for 32 concurrent callers). */
export const GRAPHILE_WORKER_UTILS_POOL_SIZE = 33;

const silent = new Logger(() => () => undefined);

export class GraphileWorkerSubject implements BenchSubject {
  readonly name = 'graphile-worker';
  #utils: WorkerUtils | undefined;
  #runner: Runner | undefined;
  #pool: pg.Pool | undefined;

  constructor(private readonly target: SubjectTarget) {}

  async open(): Promise<void> {
    this.#utils = await makeWorkerUtils({
      connectionString: this.target.url,
      schema: this.target.schema,
      maxPoolSize: GRAPHILE_WORKER_UTILS_POOL_SIZE,
      logger: silent,
    });
    await this.#utils.migrate();
    this.#pool = new pg.Pool({ connectionString: this.target.url, max: 1 });
  }

  async enqueue(n: number): Promise<void> {
    await this.utils.addJob(TASK, { n });
  }

  async enqueueBatch(ns: readonly number[]): Promise<void> {
    await this.utils.addJobs(ns.map((n) => ({ identifier: TASK, payload: { n } })));
  }

  async startWorker(onJob: (n: number) => void): Promise<void> {
    this.#runner = await run({
      connectionString: this.target.url,
      schema: this.target.schema,
      noHandleSignals: true,
      logger: silent,
      taskList: { [TASK]: async (payload) => onJob((payload as { n: number }).n) },
      preset: { worker: { ...GRAPHILE_WORKER_PRESET, crontabFile: '/nonexistent-bench-crontab' } },
    });
  }

  async stopWorker(): Promise<void> {
    await this.#runner?.stop();
    this.#runner = undefined;
  }

  async unfinishedJobs(): Promise<number> {
    // graphile-worker deletes a job when it completes.
    const { rows } = await this.#pool!.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${this.target.schema}._private_jobs`);
    return rows[0]!.n;
  }

  async close(): Promise<void> {
    await this.stopWorker();
    await this.#utils?.release();
    await this.#pool?.end();
  }

  private get utils(): WorkerUtils {
    if (this.#utils === undefined) throw new Error('not open');
    return this.#utils;
  }
}
