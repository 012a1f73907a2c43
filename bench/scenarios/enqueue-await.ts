/**
 * enqueueAwait round trip (ours only): a server idles in this process; one
 * caller enqueues a job and awaits its response, 500 times in sequence.
 */
import type { Sizes } from '../sizes.js';
import { latencySummary } from '../stats.js';
import type { AwaitingSubject } from '../subject.js';

const WARMUP_ROUND_TRIPS = 50;

export async function measureEnqueueAwait(subject: AwaitingSubject, sizes: Sizes): Promise<Record<string, number>> {
  await subject.startWorker(() => undefined);
  for (let n = 0; n < WARMUP_ROUND_TRIPS; n++) await subject.enqueueAwait(n);
  const samples: number[] = [];
  for (let n = 0; n < sizes.awaitRoundTrips; n++) {
    const started = performance.now();
    await subject.enqueueAwait(WARMUP_ROUND_TRIPS + n);
    samples.push(performance.now() - started);
  }
  await subject.stopWorker();
  const { p50, p95, p99 } = latencySummary(samples);
  return { 'await.p50': p50, 'await.p95': p95, 'await.p99': p99 };
}
