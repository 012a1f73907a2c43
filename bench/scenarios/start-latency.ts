/**
 * Start latency: a worker sits idle; jobs are enqueued one at a time, a fixed
 * gap apart, from the worker's own process through the library's
 * single-job call. Each sample runs from just before the enqueue call to the
 * start of the job's handler, both read with performance.now() in this process.
 */
import type { Sizes } from '../sizes.js';
import { latencySummary, sleep } from '../stats.js';
import type { BenchSubject } from '../subject.js';
import { JobTracker } from './job-tracker.js';

const WARMUP_JOBS = 20;

export async function measureStartLatency(subject: BenchSubject, sizes: Sizes): Promise<Record<string, number>> {
  const tracker = new JobTracker();
  await subject.startWorker(tracker.seen);
  for (let n = 0; n < WARMUP_JOBS; n++) {
    await subject.enqueue(n);
    await tracker.untilStarted(n, sizes.deadlineMs);
    await sleep(sizes.latencyGapMs);
  }

  const enqueuedAt = new Map<number, number>();
  const enqueues: Promise<void>[] = [];
  const first = WARMUP_JOBS;
  const schedule = performance.now() + sizes.latencyGapMs;
  for (let i = 0; i < sizes.latencyJobs; i++) {
    const due = schedule + i * sizes.latencyGapMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const n = first + i;
    enqueuedAt.set(n, performance.now());
    // Not awaited here, so a slow enqueue does not push the next one back; awaited below.
    enqueues.push(subject.enqueue(n));
  }
  await Promise.all(enqueues);
  await tracker.untilCount(WARMUP_JOBS + sizes.latencyJobs, sizes.deadlineMs, 'latency jobs');
  await subject.stopWorker();

  const samples = [...enqueuedAt].map(([n, at]) => tracker.startedAt.get(n)! - at);
  const { p50, p95, p99 } = latencySummary(samples);
  return { 'latency.p50': p50, 'latency.p95': p95, 'latency.p99': p99 };
}
