/**
 * Our schema's own ceiling for processing (a reference row): the storage's
 * fetch and completion statements alone, with no handler, mediator, filters
 * or state machine around them. Jobs are enqueued in batches, then two loops
 * each fetch 100 jobs and complete them as Succeeded with a result and a
 * history entry, in one statement each, until the queue is empty: the same
 * rows, indexes and history the full path writes. The gap between this row
 * and the processing row is what the engine costs in this process; this row
 * against the peers' processing is what our richer rows cost the database.
 */
import type { JobStorage } from '../../src/index.js';
import { ours } from '../subjects/built-package.js';
import type { Sizes } from '../sizes.js';
import { perSecond } from '../stats.js';
import { chunks, numbers } from './job-tracker.js';

const FETCH_SIZE = 100;
const LOOPS = 2;

export async function measureStorageCeiling(url: string, schema: string, sizes: Sizes): Promise<Record<string, number>> {
  const opened = await ours.openStorage({ type: 'PostgreSql', connectionString: url, schemaName: schema });
  if (opened.isErr()) throw new Error(`opening storage: ${JSON.stringify(opened.error)}`);
  const { storage } = opened.value;
  try {
    for (const batch of chunks(numbers(0, sizes.processJobs), sizes.batchSize)) {
      (await storage.createJobs(batch.map((n) => ({ queue: 'default', state: { name: 'Enqueued' } as const, typeName: 'BenchNoop', payload: { n } })))).match(() => undefined, (error) => { throw new Error(JSON.stringify(error)); });
    }
    const started = performance.now();
    const done = await Promise.all(numbers(0, LOOPS).map(() => drain(storage)));
    const elapsed = performance.now() - started;
    const total = done.reduce((sum, n) => sum + n, 0);
    if (total !== sizes.processJobs) throw new Error(`completed ${total} jobs, expected ${sizes.processJobs}`);
    return { 'process.storage': perSecond(total, elapsed) };
  } finally {
    (await storage.close()).match(() => undefined, (error) => { throw new Error(JSON.stringify(error)); });
  }
}

async function drain(storage: JobStorage): Promise<number> {
  let completed = 0;
  for (;;) {
    const fetched = (await storage.fetchJobs({ queues: ['default'], limit: FETCH_SIZE, owner: 'storage-ceiling', leaseMs: 60_000 })).match((rows) => rows, (error) => { throw new Error(JSON.stringify(error)); });
    if (fetched.length === 0) return completed;
    const jobs = fetched.map((outcome) => outcome.match((job) => job, (malformed) => { throw new Error(malformed.message); }));
    const applied = await storage.changeStates(jobs.map((job) => ({
      jobId: job.id, from: ['Processing'] as const, lease: job.lease, to: { name: 'Succeeded' as const, result: '0' }, reason: 'Completed', data: { durationMs: 0 },
    })));
    completed += applied.match((flags) => flags.filter(Boolean).length, (error) => { throw new Error(JSON.stringify(error)); });
  }
}
