/**
 * `npm run bench`: the comparative benchmark of issue 7. Starts one throwaway
 * PostgreSQL (or uses DATABASE_URL), then, round after round, measures
 * mediator-jobs, graphile-worker and pg-boss interleaved (each measurement in
 * its own child process and fresh schema), plus our own rows (enqueueAwait,
 * the embedded database, a history of finished jobs) and the raw PostgreSQL
 * ceiling. Prints the table of medians to stdout, progress to stderr, and
 * writes bench/results/<time>.md and .json and bench/results/latest.md.
 *
 *   npm run bench                      the full run (3 rounds)
 *   npm run bench -- --quick           fewer jobs, 1 round, for iterating
 *   npm run bench -- --rounds=5        another number of rounds
 *   npm run bench -- --only=mediator-jobs,pg-boss   some subjects only
 *   npm run bench -- --scenarios=processing,latency some scenarios only
 *   npm run bench -- --pg-boss-work    pg-boss drains through work() loops instead of fetch loops
 *   npm run bench -- --no-write        print only
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../test/support/embedded-postgres-server.js';
import { SCENARIO_NAMES, SUBJECT_NAMES, type ChildAnswer, type ChildTask, type Metrics, type ScenarioName, type SubjectName } from './child-task.js';
import { describeMachine, loadAverage, type Machine } from './machine.js';
import { tableRows } from './rows.js';
import { FULL_SIZES, QUICK_SIZES, type Sizes } from './sizes.js';
import { median } from './stats.js';
import { renderTable, type Medians } from './table.js';
import { OUR_EMBEDDED_SETTINGS, OUR_POOL_SIZE, OUR_SETTINGS } from './subjects/ours-config.js';
import { GRAPHILE_WORKER_PRESET, GRAPHILE_WORKER_UTILS_POOL_SIZE } from './subjects/graphile-worker.js';
import {
  PG_BOSS_LATENCY_WORKERS, PG_BOSS_POLLING_INTERVAL_SECONDS, PG_BOSS_POOL_SIZE, PG_BOSS_THROUGHPUT_WORKERS, PG_BOSS_WORK_THROUGHPUT_WORKERS,
} from './subjects/pg-boss.js';

const COMPARED: readonly SubjectName[] = ['mediator-jobs', 'graphile-worker', 'pg-boss'];

/** One round, in order: each step runs its subjects one after another, so machine noise hits all alike. */
const ROUND: readonly { readonly scenario: ScenarioName; readonly subjects: readonly SubjectName[] }[] = [
  { scenario: 'enqueue', subjects: COMPARED },
  { scenario: 'processing', subjects: COMPARED },
  { scenario: 'latency', subjects: COMPARED },
  { scenario: 'latency', subjects: ['mediator-jobs-other-engine'] },
  { scenario: 'enqueue-await', subjects: ['mediator-jobs'] },
  { scenario: 'processing', subjects: ['mediator-jobs-embedded'] },
  { scenario: 'latency', subjects: ['mediator-jobs-embedded'] },
  { scenario: 'processing-history', subjects: ['mediator-jobs'] },
  { scenario: 'storage-ceiling', subjects: ['mediator-jobs'] },
  { scenario: 'ceiling', subjects: ['postgres'] },
];

interface RunRecord {
  readonly round: number;
  readonly subject: SubjectName;
  readonly scenario: ScenarioName;
  readonly seconds: number;
  readonly answer: ChildAnswer;
}

const resultsDirectory = join(import.meta.dirname, 'results');
const progress = (line: string) => process.stderr.write(`${line}\n`);

function parseArguments(argv: readonly string[]) {
  const flag = (name: string) => argv.find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  const list = <T extends string>(name: string, known: readonly T[]): readonly T[] => {
    const given = flag(name)?.split('=')[1];
    if (given === undefined) return known;
    const names = given.split(',');
    const unknown = names.filter((n) => !known.includes(n as T));
    if (unknown.length > 0) throw new Error(`--${name}: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`);
    return names as T[];
  };
  const quick = flag('quick') !== undefined;
  const base = quick ? QUICK_SIZES : FULL_SIZES;
  const rounds = flag('rounds')?.split('=')[1];
  const sizes: Sizes = rounds === undefined ? base : { ...base, rounds: Number(rounds) };
  if (!Number.isInteger(sizes.rounds) || sizes.rounds < 1) throw new Error(`--rounds must be a positive integer, got ${rounds}`);
  return { quick, sizes, subjects: list('only', SUBJECT_NAMES), scenarios: list('scenarios', SCENARIO_NAMES), write: flag('no-write') === undefined, pgBossWork: flag('pg-boss-work') !== undefined };
}

function runChild(task: ChildTask): Promise<ChildAnswer> {
  return new Promise((resolve) => {
    const child = fork(join(import.meta.dirname, 'child.ts'), [JSON.stringify(task)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    // The table owns stdout; whatever a library prints goes with the progress.
    child.stdout?.pipe(process.stderr);
    let answer: ChildAnswer | undefined;
    const limit = task.sizes.deadlineMs * 3;
    const timer = setTimeout(() => {
      answer ??= { ok: false, error: `killed after ${limit} ms` };
      child.kill('SIGKILL');
    }, limit);
    child.on('message', (message) => (answer ??= message as ChildAnswer));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(answer ?? { ok: false, error: `child exited (code ${code}, signal ${signal}) without an answer` });
    });
  });
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

/** `enqueue.single 743, ...`: rates rounded, latencies (ms) to two decimals. */
function describeMetrics(metrics: Metrics): string {
  return Object.entries(metrics).map(([metric, value]) => `${metric} ${value.toFixed(/\.p\d\d$/.test(metric) ? 2 : 0)}`).join(', ');
}

function mediansOf(records: readonly RunRecord[]): Medians {
  const collected: Partial<Record<SubjectName, Record<string, number[]>>> = {};
  for (const record of records) {
    const bySubject = (collected[record.subject] ??= {});
    if (!record.answer.ok) continue;
    for (const [metric, value] of Object.entries(record.answer.metrics)) (bySubject[metric] ??= []).push(value);
  }
  return Object.fromEntries(
    Object.entries(collected).map(([subject, metrics]) => [subject, Object.fromEntries(Object.entries(metrics).map(([metric, values]) => [metric, median(values)]))]),
  );
}

function configuration(pgBossWork: boolean) {
  return {
    'mediator-jobs': { settings: OUR_SETTINGS, embeddedSettings: OUR_EMBEDDED_SETTINGS, poolSize: OUR_POOL_SIZE },
    'graphile-worker': { preset: GRAPHILE_WORKER_PRESET, utilsPoolSize: GRAPHILE_WORKER_UTILS_POOL_SIZE },
    'pg-boss': {
      throughputWorkers: pgBossWork ? PG_BOSS_WORK_THROUGHPUT_WORKERS : PG_BOSS_THROUGHPUT_WORKERS,
      latencyWorkers: PG_BOSS_LATENCY_WORKERS,
      pollingIntervalSeconds: PG_BOSS_POLLING_INTERVAL_SECONDS,
      poolSize: PG_BOSS_POOL_SIZE,
    },
  };
}

function report(machine: Machine, sizes: Sizes, table: string, records: readonly RunRecord[], startedAt: Date, loadAtEnd: string, pgBossWork: boolean): string {
  const failures = records.filter((record) => !record.answer.ok);
  const configured = Object.entries(configuration(pgBossWork)).map(([subject, settings]) => `- ${subject}: \`${JSON.stringify(settings)}\``);
  return [
    `# Benchmark results, ${startedAt.toISOString()}`,
    '',
    `Medians of ${sizes.rounds} round(s). "ours vs best peer": above 1 means mediator-jobs is better`,
    '(throughput: ours ÷ best peer; latency: best peer ÷ ours).',
    '',
    table,
    '',
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB RAM; PostgreSQL ${machine.postgres} (embedded-postgres, fsync off);`,
    `Node ${machine.node}; ${Object.entries(machine.versions).map(([name, version]) => `${name} ${version}`).join(', ')}; mediator-jobs at ${machine.commit}.`,
    `Load average at start ${machine.loadAverageAtStart}, at end ${loadAtEnd} (the machine may be shared).`,
    '',
    'Configuration:',
    ...configured,
    '',
    'Every measurement, in the order it ran:',
    '',
    '| round | subject | scenario | figures | took |',
    '|--:|---|---|---|--:|',
    ...records.map((r) => `| ${r.round} | ${r.subject} | ${r.scenario} | ${r.answer.ok ? describeMetrics(r.answer.metrics) : 'failed'} | ${r.seconds.toFixed(0)} s |`),
    '',
    ...(failures.length === 0
      ? ['Every measurement completed.']
      : ['Failed measurements:', ...failures.map((f) => `- round ${f.round}, ${f.subject} ${f.scenario}: ${f.answer.ok ? '' : f.answer.error.split('\n')[0]}`)]),
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2));
  const { sizes } = options;
  let server: ThrowawayPostgres | undefined;
  let url = process.env.DATABASE_URL;
  if (url === undefined || url === '') {
    progress('starting a throwaway PostgreSQL...');
    server = await startThrowawayPostgres();
    url = server.url;
  }
  try {
    const startedAt = new Date();
    const machine = await describeMachine(url);
    progress(`PostgreSQL ${machine.postgres}, Node ${machine.node}, ${machine.cpus} CPUs; ${sizes.rounds} round(s)${options.quick ? ' (quick)' : ''}`);
    const records: RunRecord[] = [];
    for (let round = 1; round <= sizes.rounds; round++) {
      for (const step of ROUND) {
        if (!options.scenarios.includes(step.scenario)) continue;
        for (const subject of step.subjects) {
          if (!options.subjects.includes(subject)) continue;
          const schema = `bench_${randomBytes(5).toString('hex')}`;
          progress(`round ${round}/${sizes.rounds}: ${subject}, ${step.scenario} (schema ${schema})`);
          const began = performance.now();
          const answer = await runChild({ subject, scenario: step.scenario, url, schema, sizes, pgBossWork: options.pgBossWork });
          const seconds = (performance.now() - began) / 1000;
          await dropSchema(url, schema);
          records.push({ round, subject, scenario: step.scenario, seconds, answer });
          progress(answer.ok ? `    ${describeMetrics(answer.metrics)} (${seconds.toFixed(0)} s)` : `    FAILED: ${answer.error}`);
        }
      }
    }
    const medians = mediansOf(records);
    const table = renderTable(tableRows(sizes), medians);
    const text = report(machine, sizes, table, records, startedAt, loadAverage(), options.pgBossWork);
    process.stdout.write(`${text}\n`);
    if (options.write) {
      mkdirSync(resultsDirectory, { recursive: true });
      const stem = startedAt.toISOString().replace(/[:.]/g, '-');
      writeFileSync(join(resultsDirectory, `${stem}.md`), text);
      // latest.md is the latest whole run: a --quick or narrowed run would hide its figures.
      const whole = !options.quick && options.scenarios.length === SCENARIO_NAMES.length && options.subjects.length === SUBJECT_NAMES.length;
      if (whole) writeFileSync(join(resultsDirectory, 'latest.md'), text);
      const json = { startedAt: startedAt.toISOString(), quick: options.quick, sizes, machine, configuration: configuration(options.pgBossWork), medians, runs: records };
      writeFileSync(join(resultsDirectory, `${stem}.json`), `${JSON.stringify(json, null, 2)}\n`);
      progress(`written: bench/results/${stem}.md, .json${whole ? ' and latest.md' : ''}`);
    }
    return records.some((record) => !record.answer.ok) ? 1 : 0;
  } finally {
    await server?.stop();
  }
}

process.exitCode = await main();
