/**
 * Enqueue throughput with no worker running: one caller awaiting each job in
 * turn, 32 callers at once, and the library's batch call.
 */
import type { Sizes } from '../sizes.js';
import { perSecond } from '../stats.js';
import type { BenchSubject } from '../subject.js';
import { chunks, numbers } from './job-tracker.js';

export async function measureEnqueue(subject: BenchSubject, sizes: Sizes): Promise<Record<string, number>> {
  for (let n = 0; n < sizes.warmupJobs; n++) await subject.enqueue(n);
  await Promise.all(numbers(0, sizes.concurrentCallers).map(async (caller) => {
    for (let i = 0; i < 10; i++) await subject.enqueue(caller * 10 + i);
  }));
  for (const batch of chunks(numbers(0, sizes.warmupJobs * 2), sizes.batchSize / 2)) await subject.enqueueBatch(batch);

  let started = performance.now();
  for (let n = 0; n < sizes.enqueueSingle; n++) await subject.enqueue(n);
  const single = perSecond(sizes.enqueueSingle, performance.now() - started);

  started = performance.now();
  await Promise.all(numbers(0, sizes.concurrentCallers).map(async (caller) => {
    for (let i = 0; i < sizes.enqueuesPerCaller; i++) await subject.enqueue(caller * sizes.enqueuesPerCaller + i);
  }));
  const concurrent = perSecond(sizes.concurrentCallers * sizes.enqueuesPerCaller, performance.now() - started);

  const batches = chunks(numbers(0, sizes.batchJobs), sizes.batchSize);
  started = performance.now();
  for (const batch of batches) await subject.enqueueBatch(batch);
  const batch = perSecond(sizes.batchJobs, performance.now() - started);

  return { 'enqueue.single': single, 'enqueue.concurrent': concurrent, 'enqueue.batch': batch };
}
