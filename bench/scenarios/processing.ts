/**
 * Draining a backlog: N jobs are enqueued while no worker runs, then one
 * worker (one process) is started and timed until the database shows every
 * job finished. The worker is warmed up first on a few jobs, then stopped.
 * The CPU the drain used, in this process and in PostgreSQL, is reported per
 * job beside the rate (see cpu.ts).
 */
import { CpuMeter } from '../cpu.js';
import type { Sizes } from '../sizes.js';
import { perSecond } from '../stats.js';
import type { BenchSubject } from '../subject.js';
import { JobTracker, chunks, numbers, untilDrained } from './job-tracker.js';

/** Measured jobs are numbered from here, so a late warm-up job cannot be mistaken for one. */
const MEASURED_FROM = 1_000_000_000;

/** `metric` names the figures: the rate under `metric`, the CPU under `metric.cpu.process` and `metric.cpu.postgres`. */
export async function measureProcessing(subject: BenchSubject, sizes: Sizes, meter: CpuMeter, metric: string, log: (line: string) => void): Promise<Record<string, number>> {
  const warmup = new JobTracker();
  await subject.startWorker(warmup.seen);
  for (const batch of chunks(numbers(0, sizes.warmupJobs), sizes.batchSize)) await subject.enqueueBatch(batch);
  await warmup.untilCount(sizes.warmupJobs, sizes.deadlineMs, 'warm-up');
  await untilDrained(() => subject.unfinishedJobs(), sizes.deadlineMs);
  await subject.stopWorker();

  for (const batch of chunks(numbers(MEASURED_FROM, sizes.processJobs), sizes.batchSize)) await subject.enqueueBatch(batch);
  const backlog = await subject.unfinishedJobs();
  if (backlog !== sizes.processJobs) throw new Error(`expected a backlog of ${sizes.processJobs} jobs, found ${backlog}`);
  log(`backlog of ${backlog} jobs ready`);

  const measured = new JobTracker();
  const cpuBefore = meter.read();
  const started = performance.now();
  await subject.startWorker((n) => { if (n >= MEASURED_FROM) measured.seen(n); });
  await measured.untilCount(sizes.processJobs, sizes.deadlineMs, 'processing');
  await untilDrained(() => subject.unfinishedJobs(), sizes.deadlineMs);
  const elapsed = performance.now() - started;
  const cpuAfter = meter.read();
  await subject.stopWorker();
  if (measured.startedAt.size !== sizes.processJobs) throw new Error(`${measured.startedAt.size} distinct jobs ran, expected ${sizes.processJobs}`);
  return { [metric]: perSecond(sizes.processJobs, elapsed), ...CpuMeter.perJob(metric, cpuBefore, cpuAfter, sizes.processJobs) };
}
