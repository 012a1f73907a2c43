/**
 * One fault run, shared by the short suite (`npm test`) and the long one
 * (`npm run test:chaos`); only the plan's numbers differ. Servers run in
 * their own processes on real PostgreSQL; the test kills them, restarts the
 * database and terminates connections at random moments (seeded), then
 * judges the outcome from the database.
 */
import { randomBytes } from 'node:crypto';
import { resolveOptions, type JobSettingsInput } from '../../../src/config/index.js';
import { JobEngine } from '../../../src/engine/job-engine.js';
import type { AutomaticRetryOptions } from '../../../src/filters/automatic-retry.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { Mediator, MediatorRegistry, constructingResolver } from '../../../src/mediator/index.js';
import { openStorage } from '../../../src/storage/open-storage.js';
import type { SqlJobStorage } from '../../../src/storage/sql-job-storage.js';
import { assertRowRules } from '../../support/row-rules.js';
import { Checker, withApplicationName } from './checker.js';
import { Cluster } from './cluster.js';
import { FaultEvents, type FaultEvent } from './fault-events.js';
import { EXPECTED_FAILURES, FailingJob, FaultJob, FaultTick, type FailureKind, type WorkKind } from './fault-requests.js';
import { createRunLogSql, readRuns } from './run-log.js';
import { judge, problemsOf, type ExpectedJob, type JobRow, type Verdict } from './verdict.js';

export interface FaultPlan {
  readonly name: string;
  readonly url: string;
  readonly servers: number;
  /** Jobs that do a little work and succeed. */
  readonly jobs: number;
  /** Each work job takes 0 to this many ms. */
  readonly maxWorkMs: number;
  /** SIGKILLs, each followed by a restart of the server. */
  readonly kills: number;
  /** Rounds of pg_terminate_backend while jobs are processed (a last round on an idle cluster proves notifications). */
  readonly terminations: number;
  /** PostgreSQL restarts; needs `restartDatabase` (never the server other tests share). */
  readonly databaseRestarts: number;
  readonly restartDatabase?: ((downMs: number) => Promise<void>) | undefined;
  /** How long the database stays down; longer than ServerTimeout, every server looks dead once it is back. */
  readonly databaseDownMs: number;
  /** Adds the jobs that hang, block, exit, throw non-Errors and return an Err. */
  readonly handlerCases: boolean;
  /** How long a `block` job blocks its event loop and a `hang` job awaits: longer than the lease. */
  readonly stallMs: number;
  /** A recurring job every second (6-field cron), checked tick by tick. */
  readonly recurring: boolean;
  readonly settings: JobSettingsInput;
  readonly seed: number;
  /** The whole run must finish within this. */
  readonly deadlineMs: number;
  readonly log?: ((line: string) => void) | undefined;
}

export interface FaultReport {
  readonly plan: FaultPlan;
  readonly verdict: Verdict;
  readonly events: readonly FaultEvent[];
  /** ms from enqueueing a job on an idle cluster, after its LISTEN connections were terminated, to its start. */
  readonly notificationProbeMs: number | undefined;
  readonly serverTimeoutMs: number;
  readonly invisibilityTimeoutMs: number;
  readonly queuePollIntervalMs: number;
  readonly durationMs: number;
  readonly problems: string[];
}

/** Retries as the servers run them: a failing job is retried once, quickly, so its final reason is checked in seconds. */
export const FAULT_RETRY: AutomaticRetryOptions = {
  defaults: { attempts: 5, delaysMs: [300] },
  byType: [['FailingJob', { attempts: 1, delaysMs: [300] }]],
};

const RECURRING_ID = 'fault-tick';
const ENQUEUE_BATCH = 500;
/** Share of the work jobs enqueued up front; the rest go in after each fault, to show enqueueing works again. */
const UP_FRONT_SHARE = 0.8;

export async function runFaultScenario(plan: FaultPlan): Promise<FaultReport> {
  const startedAt = Date.now();
  const log = plan.log ?? (() => undefined);
  const options = resolveOptions(plan.settings)._unsafeUnwrap();
  // Not test-storage's helper: importing it registers node:test hooks, which the chaos script has no use for.
  const schema = `fault_${randomBytes(6).toString('hex')}`;
  // Backends are told apart by application_name: `<prefix><instance>` for the application, others for the test.
  const prefix = `${schema}:`;
  const checker = new Checker(withApplicationName(plan.url, `${schema}-checker`));
  const events = new FaultEvents();
  const random = seededRandom(plan.seed);
  const storage = (await openStorage({ type: 'PostgreSql', connectionString: withApplicationName(plan.url, `${prefix}client`), schemaName: schema, onWarning: () => undefined }))._unsafeUnwrap().storage;
  await checker.rows(createRunLogSql(schema));
  const registry = new MediatorRegistry();
  // The test process only enqueues: its handlers are never called.
  registry.addHandler(FaultJob, { handle: () => 'not run here' })._unsafeUnwrap();
  registry.addHandler(FailingJob, { handle: () => 'not run here' })._unsafeUnwrap();
  registry.addHandler(FaultTick, { handle: () => 'not run here' })._unsafeUnwrap();
  const engine = new JobEngine({ storage, mediator: new Mediator(registry, constructingResolver), registry, resolver: constructingResolver, options, logger: silentLogger });
  const cluster = new Cluster(
    (instance) => ({
      url: withApplicationName(plan.url, `${prefix}${instance}`),
      evidenceUrl: withApplicationName(plan.url, `${schema}-evidence`),
      schema,
      instance,
      settings: plan.settings,
      retry: FAULT_RETRY,
    }),
    events,
  );
  const expected: ExpectedJob[] = [];
  const deadline = startedAt + plan.deadlineMs;
  let notificationProbeMs: number | undefined;
  try {
    log(`${plan.name}: schema ${schema}, seed ${plan.seed}; starting ${plan.servers} servers`);
    await Promise.all(range(plan.servers).map((slot) => cluster.start(slot)));
    if (plan.recurring) (await engine.recurring.addOrUpdate(RECURRING_ID, new FaultTick(), '* * * * * *', { misfire: 'strict' }))._unsafeUnwrap();

    const enqueue = async (jobs: ExpectedJob[]) => {
      for (let i = 0; i < jobs.length; i += ENQUEUE_BATCH) {
        const batch = jobs.slice(i, i + ENQUEUE_BATCH);
        const ids = (await engine.client.enqueueBatch(batch.map(toRequest)))._unsafeUnwrap();
        batch.forEach((job, j) => expected.push({ ...job, jobId: ids[j]! }));
      }
    };
    const workJobs: ExpectedJob[] = range(plan.jobs).map((i) => ({ key: `w${i}`, jobId: '', kind: 'work', ms: Math.floor(random() * (plan.maxWorkMs + 1)) }));
    const upFront = Math.ceil(plan.jobs * UP_FRONT_SHARE);
    const handlerCases = plan.handlerCases ? handlerCaseJobs(plan.stallMs) : [];
    await enqueue(handlerCases.filter((job) => job.kind !== 'block'));
    if (plan.handlerCases) {
      // The blocked job is taken over only by a server that is up while the block lasts: with the exit job's server
      // still restarting (seconds on a loaded machine), the blocked one would wake up and finish its own job.
      await poll(async () => (events.all.some((event) => event.kind === 'exit') ? true : undefined), 'the exit job to end its server', deadline);
      await cluster.settled();
      await waitForListeners(checker, prefix, cluster, deadline);
      await enqueue(handlerCases.filter((job) => job.kind === 'block'));
    }
    await enqueue(workJobs.slice(0, upFront));
    log(`${plan.name}: ${expected.length} jobs enqueued up front`);

    // Faults at random moments of the processing (as shares of the work done), one after the other.
    const faults = [
      ...range(plan.kills).map(() => 'kill' as const),
      ...range(plan.terminations).map(() => 'terminate' as const),
      ...range(plan.databaseRestarts).map(() => 'restart' as const),
    ].map((kind) => ({ kind, at: 0.1 + random() * 0.6 })).sort((a, b) => a.at - b.at);
    const trickles = splitInto(workJobs.slice(upFront), faults.length + 1);
    for (const [index, fault] of faults.entries()) {
      await waitForProgress(checker, schema, Math.floor(fault.at * plan.jobs), deadline);
      if (fault.kind === 'kill') {
        const slot = Math.floor(random() * plan.servers);
        await cluster.settled();
        const instance = await cluster.kill(slot);
        log(`${plan.name}: killed ${instance}`);
        // The server comes back a moment later, under a new name, as a supervisor would restart it.
        await new Promise((resolve) => setTimeout(resolve, 200 + random() * 800));
        await cluster.start(slot);
      } else if (fault.kind === 'terminate') {
        const at = Date.now();
        const cut = await checker.terminateBackends(prefix);
        events.add({ kind: 'terminate', at, ...cut });
        log(`${plan.name}: terminated ${cut.backends} backends (${cut.listeners} listening)`);
      } else {
        if (plan.restartDatabase === undefined) throw new Error('a database restart needs restartDatabase');
        const at = Date.now();
        await plan.restartDatabase(plan.databaseDownMs);
        events.add({ kind: 'database-restart', at, until: Date.now() });
        log(`${plan.name}: database restarted`);
      }
      await cluster.settled();
      await waitForListeners(checker, prefix, cluster, deadline);
      await enqueue(trickles[index] ?? []);
    }
    await enqueue(trickles[faults.length] ?? []);

    await waitForAllFinal(checker, schema, expected.length, deadline);
    if (plan.recurring) {
      (await engine.recurring.removeIfExists(RECURRING_ID))._unsafeUnwrap();
      await waitForAllFinal(checker, schema, expected.length, deadline);
    }
    if (plan.terminations > 0) {
      notificationProbeMs = await probeNotifications(checker, prefix, schema, cluster, events, async (job) => enqueue([job]), deadline);
      log(`${plan.name}: a job enqueued after the LISTEN connections were cut started in ${notificationProbeMs} ms`);
    }
    await cluster.settled();

    const verdict = judge(expected, await readJobs(checker, schema), await readRuns((text) => checker.rows(text), schema), events.all, RECURRING_ID);
    const problems = problemsOf(verdict);
    // The visibility rule no CHECK constraint keeps any more (migration 9): crashes, cut connections and restarts included.
    await assertRowRules({ sql: (text, values) => checker.rowsWhenUp(text, values) }, `"${schema}"`).catch((error: unknown) => problems.push(error instanceof Error ? error.message : String(error)));
    if (notificationProbeMs !== undefined && notificationProbeMs >= options.queuePollIntervalMs / 2) {
      problems.push(`a job enqueued after the LISTEN connections were cut waited ${notificationProbeMs} ms: the poll (${options.queuePollIntervalMs} ms), not a notification, started it`);
    }
    // Where the watchdog is meant to act first (ServerTimeout well below the lease), a dead server's jobs must not wait for the lease.
    const watchdogFirst = options.serverTimeoutMs + options.serverCheckIntervalMs < options.invisibilityTimeoutMs;
    for (const recovery of watchdogFirst ? verdict.recoveries : []) {
      if (recovery.ms >= options.invisibilityTimeoutMs) problems.push(`the jobs of ${recovery.instance} took ${recovery.ms} ms to start again: the lease (${options.invisibilityTimeoutMs} ms) ran out before the watchdog (ServerTimeout ${options.serverTimeoutMs} ms) acted`);
    }
    if (problems.length > 0) problems.push(`server logs:\n${cluster.logTail()}`);
    // FAULT_LOGS=1 shows what the servers logged even when the run passed.
    if (process.env.FAULT_LOGS === '1') log(`server logs:\n${cluster.logTail()}`);
    return {
      plan, verdict, events: events.all, notificationProbeMs, problems, durationMs: Date.now() - startedAt,
      serverTimeoutMs: options.serverTimeoutMs, invisibilityTimeoutMs: options.invisibilityTimeoutMs, queuePollIntervalMs: options.queuePollIntervalMs,
    };
  } catch (error) {
    throw new Error(`${plan.name} (schema ${schema}, seed ${plan.seed}) failed: ${error instanceof Error ? error.message : String(error)}\nserver logs:\n${cluster.logTail()}`, { cause: error });
  } finally {
    await cluster.close();
    await closeQuietly(storage);
    await checker.rowsWhenUp(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await checker.close();
  }
}

/** One job of each hostile kind; see {@link WorkKind} and {@link FailureKind}. */
function handlerCaseJobs(stallMs: number): ExpectedJob[] {
  const work = (['hang', 'block', 'exit'] as const).map((kind): ExpectedJob => ({ key: kind, jobId: '', kind, ms: stallMs }));
  const failing = (Object.keys(EXPECTED_FAILURES) as FailureKind[]).map((kind): ExpectedJob => ({ key: kind, jobId: '', kind }));
  return [...work, ...failing];
}

function toRequest(job: ExpectedJob): FaultJob | FailingJob {
  return job.kind in EXPECTED_FAILURES ? new FailingJob(job.key, job.kind as FailureKind) : new FaultJob(job.key, job.kind as WorkKind, 'ms' in job ? job.ms : 0);
}

/**
 * Cuts every application connection of an idle cluster, waits until each
 * server listens again, then enqueues one job. Every worker is idle until
 * the next poll (QueuePollInterval is long): only a notification can start
 * the job sooner.
 */
async function probeNotifications(checker: Checker, prefix: string, schema: string, cluster: Cluster, events: FaultEvents, enqueue: (job: ExpectedJob) => Promise<void>, deadline: number): Promise<number> {
  const at = Date.now();
  const cut = await checker.terminateBackends(prefix);
  events.add({ kind: 'terminate', at, ...cut });
  await waitForListeners(checker, prefix, cluster, deadline);
  const key = 'notification-probe';
  const enqueuedAt = Date.now();
  await enqueue({ key, jobId: '', kind: 'work', ms: 0 });
  const started = await poll(async () => (await checker.rows<{ started_at: Date }>(`SELECT min(started_at) AS started_at FROM "${schema}".fault_runs WHERE key = $1`, [key]))[0]?.started_at ?? undefined, 'the probe job to start', deadline);
  await waitForAllFinal(checker, schema, 0, deadline);
  return started.getTime() - enqueuedAt;
}

async function waitForProgress(checker: Checker, schema: string, finishedRuns: number, deadline: number): Promise<void> {
  await poll(async () => {
    const [row] = await checker.rowsWhenUp<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".fault_runs WHERE finished_at IS NOT NULL AND key LIKE 'w%'`);
    return Number(row?.n ?? 0) >= finishedRuns ? true : undefined;
  }, `${finishedRuns} finished work jobs`, deadline);
}

/** Every running server holds a LISTEN connection again. */
async function waitForListeners(checker: Checker, prefix: string, cluster: Cluster, deadline: number): Promise<void> {
  await poll(async () => {
    const listening = new Set(await checker.listeningInstances(prefix).catch(() => []));
    return cluster.running.every((instance) => listening.has(instance)) ? true : undefined;
  }, 'every server to listen again', deadline);
}

async function waitForAllFinal(checker: Checker, schema: string, atLeast: number, deadline: number): Promise<void> {
  await poll(async () => {
    const [row] = await checker.rowsWhenUp<{ total: string; open: string }>(
      `SELECT count(*) AS total, count(*) FILTER (WHERE state NOT IN ('Succeeded', 'Failed', 'Deleted')) AS open FROM "${schema}".jobs`,
    );
    return Number(row?.open) === 0 && Number(row?.total) >= atLeast ? true : undefined;
  }, 'every job to reach a final state', deadline);
}

async function readJobs(checker: Checker, schema: string): Promise<JobRow[]> {
  const rows = await checker.rows<{ id: string; state: string; recurring_id: string | null; tick: string | null; reasons: string[]; last_reason: string | null; last_error_type: string | null }>(`
    SELECT job.id::text AS id, job.state, job.recurring_id, tick.value AS tick,
           (SELECT array_agg(coalesce(s.reason, '') ORDER BY s.id) FROM "${schema}".job_history s WHERE s.job_id = job.id) AS reasons,
           last.reason AS last_reason, last.data->>'errorType' AS last_error_type
    FROM "${schema}".jobs job
    LEFT JOIN "${schema}".job_parameters tick ON tick.job_id = job.id AND tick.name = 'RecurringTick'
    LEFT JOIN LATERAL (SELECT reason, data FROM "${schema}".job_history s WHERE s.job_id = job.id ORDER BY s.id DESC LIMIT 1) last ON true`);
  return rows.map((row) => ({
    jobId: row.id,
    state: row.state,
    recurringId: row.recurring_id,
    tick: row.tick === null ? null : (JSON.parse(row.tick) as string),
    reasons: row.reasons ?? [],
    lastReason: row.last_reason,
    lastErrorType: row.last_error_type,
  }));
}

async function poll<T>(probe: () => Promise<T | undefined>, what: string, deadline: number): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function closeQuietly(storage: SqlJobStorage): Promise<void> {
  const closed = await storage.close();
  if (closed.isErr()) return;
}

function splitInto<T>(items: readonly T[], parts: number): T[][] {
  const size = Math.ceil(items.length / parts);
  return range(parts).map((i) => items.slice(i * size, (i + 1) * size));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** mulberry32: the same seed gives the same fault moments and job lengths. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
