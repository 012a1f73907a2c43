/**
 * pg-boss 10 in its fastest documented configuration for each use: `send`
 * for one job, `insert` for a batch; for throughput, loops of the documented
 * `fetch` + `complete` pair, each fetching a batch. (pg-boss's own `work()`
 * loop waits out its polling interval after every batch it finishes, which
 * made it 2 to 6 times slower here in every setting tried; `npm run bench --
 * --pg-boss-work` measures it that way.) pg-boss 10 polls (no LISTEN/NOTIFY; the
 * shortest polling interval is 0.5 s); its documented way to start an idle
 * worker at once is `notifyWorker(id)`, which this subject calls after every
 * single `send` made while a `work()` worker runs, so start latency is
 * measured in its best case. Cron scheduling and maintenance are off: they
 * only add background queries.
 */
import PgBoss from 'pg-boss';
import type { BenchSubject, SubjectTarget } from '../subject.js';

/** How a pg-boss worker takes jobs: `work()` loops, or loops of `fetch` and `complete` written here. */
export interface PgBossWorkers {
  readonly style: 'work' | 'fetch-loop';
  readonly loops: number;
  readonly batchSize: number;
}

/** Draining a backlog: fetch-and-complete loops, a batch each. */
export const PG_BOSS_THROUGHPUT_WORKERS: PgBossWorkers = { style: 'fetch-loop', loops: 4, batchSize: 250 };
/** The same loops and batches through pg-boss's own `work()` (the `--pg-boss-work` flag). */
export const PG_BOSS_WORK_THROUGHPUT_WORKERS: PgBossWorkers = { style: 'work', loops: 4, batchSize: 250 };
/** Start latency: one `work()` loop fetching one job at a time, woken by notifyWorker. */
export const PG_BOSS_LATENCY_WORKERS: PgBossWorkers = { style: 'work', loops: 1, batchSize: 1 };
/** The shortest polling interval pg-boss accepts. */
export const PG_BOSS_POLLING_INTERVAL_SECONDS = 0.5;
/** Pool size (enough for 32 concurrent callers). */
export const PG_BOSS_POOL_SIZE = 33;

export class PgBossSubject implements BenchSubject {
  readonly name = 'pg-boss';
  #boss: PgBoss | undefined;
  #generation = 0;
  #workerIds: string[] = [];
  #fetchLoops: Promise<void>[] = [];
  #stopping = new AbortController();

  constructor(
    private readonly target: SubjectTarget,
    private readonly workers: PgBossWorkers,
  ) {}

  /**
   * A stopped pg-boss worker may still complete one fetch in flight, so each
   * worker generation gets its own queue: jobs enqueued after `stopWorker`
   * can only reach the next worker.
   */
  private get queue(): string {
    return `bench_${this.#generation}`;
  }

  async open(): Promise<void> {
    this.#boss = new PgBoss({
      connectionString: this.target.url,
      schema: this.target.schema,
      max: PG_BOSS_POOL_SIZE,
      schedule: false,
      supervise: false,
    });
    this.#boss.on('error', (error) => console.error(`pg-boss: ${error.message}`));
    await this.#boss.start();
    await this.#boss.createQueue(this.queue);
  }

  async enqueue(n: number): Promise<void> {
    await this.boss.send(this.queue, { n });
    for (const id of this.#workerIds) this.boss.notifyWorker(id);
  }

  async enqueueBatch(ns: readonly number[]): Promise<void> {
    await this.boss.insert(ns.map((n) => ({ name: this.queue, data: { n } })));
  }

  async startWorker(onJob: (n: number) => void): Promise<void> {
    if (this.workers.style === 'fetch-loop') {
      this.#stopping = new AbortController();
      this.#fetchLoops = Array.from({ length: this.workers.loops }, () => this.fetchLoop(this.queue, onJob, this.#stopping.signal));
      return;
    }
    for (let loop = 0; loop < this.workers.loops; loop++) {
      const id = await this.boss.work<{ n: number }>(
        this.queue,
        { batchSize: this.workers.batchSize, pollingIntervalSeconds: PG_BOSS_POLLING_INTERVAL_SECONDS },
        async (jobs) => {
          for (const job of jobs) onJob(job.data.n);
        },
      );
      this.#workerIds.push(id);
    }
  }

  /** Fetches a batch, runs it, completes it; sleeps a polling interval when the queue is empty. */
  private async fetchLoop(queue: string, onJob: (n: number) => void, stopping: AbortSignal): Promise<void> {
    while (!stopping.aborted) {
      const jobs = await this.boss.fetch<{ n: number }>(queue, { batchSize: this.workers.batchSize });
      if (jobs.length === 0) {
        await abortableSleep(PG_BOSS_POLLING_INTERVAL_SECONDS * 1000, stopping);
        continue;
      }
      for (const job of jobs) onJob(job.data.n);
      await this.boss.complete(queue, jobs.map((job) => job.id));
    }
  }

  async stopWorker(): Promise<void> {
    if (this.#workerIds.length === 0 && this.#fetchLoops.length === 0) return;
    this.#stopping.abort();
    await Promise.all(this.#fetchLoops);
    this.#fetchLoops = [];
    if (this.#workerIds.length > 0) await this.boss.offWork(this.queue);
    this.#workerIds = [];
    this.#generation++;
    await this.boss.createQueue(this.queue);
  }

  async unfinishedJobs(): Promise<number> {
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT count(*)::int AS n FROM ${this.target.schema}.job WHERE state IN ('created', 'retry', 'active')`,
      [],
    );
    return (rows[0] as { n: number }).n;
  }

  async close(): Promise<void> {
    await this.#boss?.stop({ graceful: false, wait: true });
  }

  private get boss(): PgBoss {
    if (this.#boss === undefined) throw new Error('not open');
    return this.#boss;
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
