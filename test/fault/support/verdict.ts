/**
 * Judges a fault run from the database: the evidence table (`fault_runs`)
 * for what actually ran, the engine's tables for the final states and the
 * recurring ticks, and the recorded fault events for why anything ran twice.
 */
import type { FaultEvent } from './fault-events.js';
import { EXPECTED_FAILURES, type FailureKind, type WorkKind } from './fault-requests.js';
import type { RunRow } from './run-log.js';

/** A job the test created and what must become of it. */
export type ExpectedJob =
  | { readonly key: string; readonly jobId: string; readonly kind: WorkKind; readonly ms: number }
  | { readonly key: string; readonly jobId: string; readonly kind: FailureKind };

/** A row of the engine's jobs table, with its last history entry. */
export interface JobRow {
  readonly jobId: string;
  readonly state: string;
  readonly recurringId: string | null;
  /** The RecurringTick parameter (ISO time), for recurring runs. */
  readonly tick: string | null;
  readonly lastReason: string | null;
  readonly lastErrorType: string | null;
  /** Every history reason, oldest first. */
  readonly reasons: readonly string[];
}

export type DoubleRunCause = 'server killed' | 'server exited' | 'event loop blocked' | 'database restart' | 'connection terminated';

export interface Verdict {
  readonly jobs: number;
  readonly recurringRuns: number;
  readonly notFinal: string[];
  readonly lost: string[];
  readonly wrongOutcome: string[];
  readonly doubleRuns: number;
  readonly doubleRunsByCause: Readonly<Record<string, number>>;
  readonly unexplained: string[];
  /** Per kill or exit: ms from the death to the last of its jobs starting elsewhere. */
  readonly recoveries: readonly { readonly instance: string; readonly jobs: number; readonly ms: number }[];
  readonly ticks: { readonly fired: number; readonly missing: string[]; readonly duplicated: string[] };
  readonly crashes: string[];
}

const FINAL = new Set(['Succeeded', 'Failed', 'Deleted']);
/** A run may start in the moment between our kill call and the process's death. */
const KILL_CLOCK_SLACK_MS = 1_000;

export function judge(expected: readonly ExpectedJob[], jobs: readonly JobRow[], runs: readonly RunRow[], events: readonly FaultEvent[], recurringId: string): Verdict {
  const jobById = new Map(jobs.map((job) => [job.jobId, job]));
  const runsByKey = groupBy(runs, (run) => run.key);
  const blockKeys = new Map(expected.flatMap((job) => (job.kind === 'block' ? [[job.key, job.ms] as const] : [])));
  const lost: string[] = [];
  const wrongOutcome: string[] = [];
  for (const job of expected) {
    const row = jobById.get(job.jobId);
    const keyRuns = runsByKey.get(job.key) ?? [];
    const mustFail = job.kind in EXPECTED_FAILURES;
    if (row === undefined) lost.push(`${job.key}: no job row`);
    else if (mustFail ? keyRuns.length === 0 : !keyRuns.some((run) => run.finishedAt !== undefined)) lost.push(`${job.key} (job ${job.jobId}, ${row.state}): no ${mustFail ? '' : 'finished '}run recorded`);
    if (row !== undefined && FINAL.has(row.state)) {
      const problem = outcomeProblem(job, row, keyRuns);
      if (problem !== undefined) wrongOutcome.push(`${job.key} (job ${job.jobId}): ${problem}`);
    }
  }
  const recurring = jobs.filter((job) => job.recurringId === recurringId);
  for (const job of recurring) {
    const keyRuns = runsByKey.get(`tick:${job.jobId}`) ?? [];
    if (!keyRuns.some((run) => run.finishedAt !== undefined)) lost.push(`recurring run ${job.jobId} (${job.state}): no finished run recorded`);
    else if (job.state !== 'Succeeded') wrongOutcome.push(`recurring run ${job.jobId}: ${job.state}`);
  }
  const notFinal = jobs.filter((job) => !FINAL.has(job.state)).map((job) => `job ${job.jobId}: ${job.state}`);

  // Runs of the same attempt of the same job: each one after the first needs a cause.
  const byCause: Record<string, number> = {};
  const unexplained: string[] = [];
  const recoveryByEvent = new Map<FaultEvent, { jobs: number; ms: number }>();
  let doubleRuns = 0;
  for (const attemptRuns of groupBy(runs, (run) => `${run.key}#${run.attempt}`).values()) {
    for (let i = 1; i < attemptRuns.length; i++) {
      const earlier = attemptRuns[i - 1]!;
      const later = attemptRuns[i]!;
      doubleRuns++;
      const cause = explain(earlier, later, events, runs, blockKeys);
      if (cause === undefined) {
        unexplained.push(`${earlier.key} attempt ${earlier.attempt}: ran on ${earlier.instance} at ${iso(earlier.startedAt)}${earlier.finishedAt === undefined ? ' (unfinished)' : ` (finished ${iso(earlier.finishedAt)})`} and again on ${later.instance} at ${iso(later.startedAt)}`);
        continue;
      }
      byCause[cause.name] = (byCause[cause.name] ?? 0) + 1;
      if (cause.event !== undefined && (cause.event.kind === 'kill' || cause.event.kind === 'exit')) {
        const recovery = recoveryByEvent.get(cause.event) ?? { jobs: 0, ms: 0 };
        recoveryByEvent.set(cause.event, { jobs: recovery.jobs + 1, ms: Math.max(recovery.ms, later.startedAt - cause.event.at) });
      }
    }
  }
  // A handler running past its lease keeps it (renewed) while its server lives: only a death, a blocked
  // event loop or a database outage may hand it to another server.
  for (const job of expected.filter((candidate) => candidate.kind === 'hang')) {
    const [first, second] = runsByKey.get(job.key) ?? [];
    if (first === undefined || second === undefined) continue;
    const cause = explain(first, second, events, runs, blockKeys)?.name;
    if (cause === undefined || cause === 'connection terminated') wrongOutcome.push(`${job.key} (job ${job.jobId}): ran again on ${second.instance} while its first run on ${first.instance} still held its lease (${cause ?? 'no fault'})`);
  }
  const recoveries = [...recoveryByEvent.entries()].map(([event, recovery]) => ({ instance: 'instance' in event ? event.instance : '', ...recovery }));
  return {
    jobs: expected.length,
    recurringRuns: recurring.length,
    notFinal,
    lost,
    wrongOutcome,
    doubleRuns,
    doubleRunsByCause: byCause,
    unexplained,
    recoveries,
    ticks: checkTicks(recurring),
    crashes: events.flatMap((event) => (event.kind === 'crash' ? [`${event.instance} died on its own at ${iso(event.at)}: ${event.detail}`] : [])),
  };
}

/** Why `later` ran although `earlier` had started the same attempt, if a recorded fault explains it. */
function explain(earlier: RunRow, later: RunRow, events: readonly FaultEvent[], runs: readonly RunRow[], blockKeys: ReadonlyMap<string, number>): { name: DoubleRunCause; event?: FaultEvent } | undefined {
  const between = (at: number) => at >= earlier.startedAt - KILL_CLOCK_SLACK_MS && at <= later.startedAt;
  const death = events.find((event) => (event.kind === 'kill' || event.kind === 'exit') && event.instance === earlier.instance && between(event.at));
  if (death !== undefined) return { name: death.kind === 'kill' ? 'server killed' : 'server exited', event: death };
  // A blocked event loop renews no lease and sends no heartbeat: its jobs are taken over by design.
  const blocked = runs.some((run) => run.instance === earlier.instance && blockKeys.has(run.key) && run.startedAt <= later.startedAt && run.startedAt + blockKeys.get(run.key)! >= earlier.startedAt);
  if (blocked) return { name: 'event loop blocked' };
  const restart = events.find((event) => event.kind === 'database-restart' && event.at <= later.startedAt && event.until >= earlier.startedAt);
  if (restart !== undefined) return { name: 'database restart', event: restart };
  const terminate = events.find((event) => event.kind === 'terminate' && between(event.at));
  if (terminate !== undefined) return { name: 'connection terminated', event: terminate };
  return undefined;
}

/** The final state and recorded reason each kind of job must end with. */
function outcomeProblem(job: ExpectedJob, row: JobRow, runs: readonly RunRow[]): string | undefined {
  if (job.kind in EXPECTED_FAILURES) {
    const expected = EXPECTED_FAILURES[job.kind as FailureKind];
    if (row.state !== 'Failed') return `expected Failed, found ${row.state}`;
    if (row.lastErrorType !== expected.errorType) return `expected error type ${expected.errorType}, recorded ${row.lastErrorType}`;
    if (!(row.lastReason ?? '').includes(expected.message)) return `expected a reason with "${expected.message}", recorded "${row.lastReason}"`;
    const attempts = new Set(runs.map((run) => run.attempt));
    if (!attempts.has(1) || !attempts.has(2)) return `expected attempts 1 and 2 (one retry), ran attempts ${[...attempts].join(', ')}`;
    return undefined;
  }
  if (row.state !== 'Succeeded') return `expected Succeeded, found ${row.state} (${row.lastReason})`;
  if (runs.some((run) => run.attempt > 1)) return `an attempt failed: ran attempts ${[...new Set(runs.map((run) => run.attempt))].join(', ')} (${row.reasons.join(' | ')})`;
  if ((job.kind === 'block' || job.kind === 'exit') && runs.length < 2) return `its first run never finished, yet it ran only ${runs.length} time(s)`;
  if (job.kind === 'block' && !row.reasons.some((reason) => reason.startsWith('Lease expired') || reason.startsWith('Server timed out'))) return `taken over without a lease expiry or server timeout in its history: ${row.reasons.join(' | ')}`;
  return undefined;
}

/** Every second from the first tick to the last must have fired exactly once. */
function checkTicks(recurring: readonly JobRow[]): Verdict['ticks'] {
  const ticks = recurring.flatMap((job) => (job.tick === null ? [] : [Date.parse(job.tick)])).sort((a, b) => a - b);
  const duplicated = ticks.filter((tick, i) => i > 0 && ticks[i - 1] === tick).map(iso);
  const missing: string[] = [];
  for (let i = 1; i < ticks.length; i++) {
    for (let t = ticks[i - 1]! + 1_000; t < ticks[i]!; t += 1_000) missing.push(iso(t));
  }
  return { fired: ticks.length, missing, duplicated };
}

/** What makes the run fail, one line each; empty when it passed. */
export function problemsOf(verdict: Verdict): string[] {
  const list = (title: string, items: readonly string[]) => (items.length === 0 ? [] : [`${title} (${items.length}):\n  ${items.slice(0, 20).join('\n  ')}`]);
  return [
    ...list('server processes that died on their own', verdict.crashes),
    ...list('jobs not in a final state', verdict.notFinal),
    ...list('jobs lost', verdict.lost),
    ...list('jobs with the wrong outcome', verdict.wrongOutcome),
    ...list('double runs no fault explains', verdict.unexplained),
    ...list('recurring ticks missing', verdict.ticks.missing),
    ...list('recurring ticks fired twice', verdict.ticks.duplicated),
  ];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
