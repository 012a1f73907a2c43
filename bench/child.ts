/**
 * One measurement in its own process: builds one subject on a fresh schema,
 * runs one scenario, sends the figures to the runner over IPC and exits. A
 * process per measurement keeps one library's pools and timers away from
 * another's, and makes "drained by one process" literal.
 */
import type { ChildAnswer, ChildTask, Metrics } from './child-task.js';
import { CpuMeter } from './cpu.js';
import { measureEnqueueAwait } from './scenarios/enqueue-await.js';
import { measureEnqueue } from './scenarios/enqueue.js';
import { fillFinishedHistory } from './scenarios/finished-history.js';
import { measurePostgresCeiling } from './scenarios/postgres-ceiling.js';
import { measureProcessingCeiling } from './scenarios/processing-ceiling.js';
import { measureProcessing } from './scenarios/processing.js';
import { measureStartLatency } from './scenarios/start-latency.js';
import { measureStorageCeiling } from './scenarios/storage-ceiling.js';
import type { BenchSubject } from './subject.js';
import { GraphileWorkerSubject } from './subjects/graphile-worker.js';
import { OursSubject } from './subjects/ours.js';
import { PG_BOSS_LATENCY_WORKERS, PG_BOSS_THROUGHPUT_WORKERS, PG_BOSS_WORK_THROUGHPUT_WORKERS, PgBossSubject } from './subjects/pg-boss.js';

const task = JSON.parse(process.argv[2] ?? '') as ChildTask;
const log = (line: string) => process.stderr.write(`    [${task.subject} ${task.scenario}] ${line}\n`);

function subjectFor(): BenchSubject {
  const target = { url: task.url, schema: task.schema };
  switch (task.subject) {
    case 'mediator-jobs':
      return new OursSubject(target, 'PostgreSql');
    case 'mediator-jobs-embedded':
      return new OursSubject(target, 'Embedded');
    case 'mediator-jobs-other-engine':
      return new OursSubject(target, 'PostgreSql', { enqueueFromOtherEngine: true });
    case 'graphile-worker':
      return new GraphileWorkerSubject(target);
    case 'pg-boss':
      if (task.scenario === 'latency') return new PgBossSubject(target, PG_BOSS_LATENCY_WORKERS);
      return new PgBossSubject(target, task.pgBossWork ? PG_BOSS_WORK_THROUGHPUT_WORKERS : PG_BOSS_THROUGHPUT_WORKERS);
    case 'postgres':
      throw new Error('the postgres ceiling has no subject');
  }
}

/** The embedded database runs inside this process: its CPU is already this process's. */
function processingMeter(): CpuMeter {
  return new CpuMeter(task.subject === 'mediator-jobs-embedded' ? undefined : task.url);
}

async function measure(): Promise<Metrics> {
  if (task.scenario === 'ceiling') return { ...(await measurePostgresCeiling(task.url, task.schema, task.sizes)), ...(await measureProcessingCeiling(task.url, task.schema, task.sizes)) };
  if (task.scenario === 'storage-ceiling') return measureStorageCeiling(task.url, task.schema, task.sizes);
  const subject = subjectFor();
  await subject.open();
  try {
    switch (task.scenario) {
      case 'enqueue':
        return await measureEnqueue(subject, task.sizes);
      case 'processing':
        return await measureProcessing(subject, task.sizes, processingMeter(), 'process', log);
      case 'latency':
        return await measureStartLatency(subject, task.sizes);
      case 'enqueue-await':
        if (!(subject instanceof OursSubject)) throw new Error(`${subject.name} has no enqueueAwait`);
        return await measureEnqueueAwait(subject, task.sizes);
      case 'processing-history': {
        if (!(subject instanceof OursSubject)) throw new Error('the history fill writes our tables only');
        const fillSeconds = await fillFinishedHistory(subject.raw, task.schema, task.sizes.finishedHistoryJobs, log);
        return { ...(await measureProcessing(subject, task.sizes, processingMeter(), 'process.history', log)), 'history.fill.s': fillSeconds };
      }
    }
  } finally {
    await subject.close();
  }
}

let answer: ChildAnswer;
try {
  answer = { ok: true, metrics: await measure() };
} catch (error) {
  answer = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}
process.send!(answer, () => process.exit(0));
