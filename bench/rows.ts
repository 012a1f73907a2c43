/** The rows of the result table: which figure, from whom, and the target the issue sets for it. */
import type { SubjectName } from './child-task.js';
import type { Sizes } from './sizes.js';

/**
 * `ratio`: ours ÷ best peer (latency: best peer ÷ ours), at least `atLeast`;
 * `at-most-ms`: our figure, at most `ms`; `of-own`: our figure at least
 * `atLeast` times our own figure for `metric` (history growth).
 */
export type Target =
  | { readonly kind: 'ratio'; readonly atLeast: number; readonly text: string }
  | { readonly kind: 'at-most-ms'; readonly ms: number; readonly text: string }
  | { readonly kind: 'of-own'; readonly metric: string; readonly atLeast: number; readonly text: string };

export interface Row {
  readonly label: string;
  readonly metric: string;
  /** `µs`: CPU time per job (lower is better, as for `ms`). */
  readonly unit: 'jobs/s' | 'ms' | 'µs';
  /** `compared`: ours against graphile-worker and pg-boss; otherwise only this subject has the figure. */
  readonly source: 'compared' | SubjectName;
  readonly target?: Target;
}

export function tableRows(sizes: Sizes): Row[] {
  const jobs = sizes.processJobs.toLocaleString('en');
  const latency = `${sizes.latencyJobs} jobs ${sizes.latencyGapMs} ms apart`;
  const history = sizes.finishedHistoryJobs.toLocaleString('en');
  return [
    { label: 'enqueue, one at a time', metric: 'enqueue.single', unit: 'jobs/s', source: 'compared', target: { kind: 'ratio', atLeast: 3, text: '≥ 3x' } },
    { label: `enqueue, ${sizes.concurrentCallers} concurrent callers`, metric: 'enqueue.concurrent', unit: 'jobs/s', source: 'compared', target: { kind: 'ratio', atLeast: 4, text: '≥ 4x' } },
    { label: `enqueue, batches of ${sizes.batchSize.toLocaleString('en')}`, metric: 'enqueue.batch', unit: 'jobs/s', source: 'compared', target: { kind: 'ratio', atLeast: 3, text: '≥ 3x' } },
    { label: `process ${jobs} queued no-op jobs, one process`, metric: 'process', unit: 'jobs/s', source: 'compared', target: { kind: 'ratio', atLeast: 1.5, text: '≥ 1.5x' } },
    { label: 'processing: CPU per job in the library\'s own process', metric: 'process.cpu.process', unit: 'µs', source: 'compared' },
    { label: 'processing: CPU per job in PostgreSQL (all its processes)', metric: 'process.cpu.postgres', unit: 'µs', source: 'compared' },
    { label: `start latency p50 (${latency})`, metric: 'latency.p50', unit: 'ms', source: 'compared', target: { kind: 'at-most-ms', ms: 2.5, text: '≤ 2.5 ms' } },
    { label: 'start latency p95', metric: 'latency.p95', unit: 'ms', source: 'compared' },
    { label: 'start latency p99', metric: 'latency.p99', unit: 'ms', source: 'compared', target: { kind: 'ratio', atLeast: 1, text: 'no worse than best peer' } },
    { label: 'start latency p50, jobs enqueued by another engine (as from another process: no local claim)', metric: 'latency.p50', unit: 'ms', source: 'mediator-jobs-other-engine' },
    { label: 'start latency p95, enqueued by another engine', metric: 'latency.p95', unit: 'ms', source: 'mediator-jobs-other-engine' },
    { label: 'start latency p99, enqueued by another engine', metric: 'latency.p99', unit: 'ms', source: 'mediator-jobs-other-engine' },
    { label: `enqueueAwait round trip p50 (${sizes.awaitRoundTrips} in sequence)`, metric: 'await.p50', unit: 'ms', source: 'mediator-jobs', target: { kind: 'at-most-ms', ms: 5, text: '< 5 ms' } },
    { label: 'enqueueAwait round trip p95', metric: 'await.p95', unit: 'ms', source: 'mediator-jobs' },
    { label: 'enqueueAwait round trip p99', metric: 'await.p99', unit: 'ms', source: 'mediator-jobs' },
    { label: `embedded (PGlite): process ${jobs} queued jobs`, metric: 'process', unit: 'jobs/s', source: 'mediator-jobs-embedded' },
    { label: 'embedded (PGlite): CPU per job while processing (database included)', metric: 'process.cpu.process', unit: 'µs', source: 'mediator-jobs-embedded' },
    { label: 'embedded (PGlite): start latency p50', metric: 'latency.p50', unit: 'ms', source: 'mediator-jobs-embedded' },
    { label: 'embedded (PGlite): start latency p95', metric: 'latency.p95', unit: 'ms', source: 'mediator-jobs-embedded' },
    { label: 'embedded (PGlite): start latency p99', metric: 'latency.p99', unit: 'ms', source: 'mediator-jobs-embedded' },
    {
      label: `process ${jobs} queued jobs with ${history} finished jobs in the tables`,
      metric: 'process.history', unit: 'jobs/s', source: 'mediator-jobs',
      target: { kind: 'of-own', metric: 'process', atLeast: 0.8, text: 'within 20% of the empty case' },
    },
    { label: `PostgreSQL alone: claim and delete ${jobs} jobs, 500 per statement, 4 loops, no history`, metric: 'process.bare', unit: 'jobs/s', source: 'postgres' },
    { label: `our storage statements alone: fetch and complete ${jobs} jobs, 100 per statement, 2 loops, no handler`, metric: 'process.storage', unit: 'jobs/s', source: 'mediator-jobs' },
  ];
}
