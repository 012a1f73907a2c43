/**
 * Shared by the hostile-input tests: an engine with every public entry point
 * (client, JobMediator, dispatcher, recurring manager, monitoring, execution
 * service), a snapshot of every table to prove a refusal changed nothing, and
 * `refused`, which insists on an error value: not a throw, not a hang.
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import type { Result, ResultAsync } from 'neverthrow';
import { DispatcherService } from '../../src/dispatch/dispatcher-service.js';
import { JobExecutionService } from '../../src/dispatch/job-execution-service.js';
import { Request, type MediatorRegistry } from '../../src/mediator/index.js';
import { dispatchEngine, type DispatchEngine } from '../dispatch/support.js';
import type { JobSettingsInput } from '../../src/config/index.js';
import type { TestStorage } from '../support/test-storage.js';

/** Carries any value; its handler answers with that value. */
export class Carry extends Request<unknown> {
  static readonly requestTypeName = 'hostile.Carry';
  constructor(readonly value: unknown) {
    super();
  }
}

/** A job service whose method takes anything. */
export class Sink {
  static readonly jobServiceName = 'hostile.Sink';
  take(value: unknown): unknown {
    return value;
  }
}

export function registerCarry(registry: MediatorRegistry): void {
  registry.addHandler(Carry, { handle: (request: Carry) => request.value })._unsafeUnwrap();
}

export interface HostileEngine extends DispatchEngine {
  readonly dispatcher: DispatcherService;
  readonly execution: JobExecutionService;
}

/** A dispatch test engine (no server started) with Carry and Sink registered, a dispatcher and an execution service. */
export async function hostileEngine(kind: Parameters<typeof dispatchEngine>[0], settings: JobSettingsInput = {}): Promise<HostileEngine> {
  const e = await dispatchEngine(kind, settings);
  registerCarry(e.registry);
  e.engine.services.add(Sink)._unsafeUnwrap();
  const dispatcher = new DispatcherService(e.engine, { watcher: e.watcher });
  return { ...e, dispatcher, execution: new JobExecutionService(e.t.storage) };
}

const TABLES = ['jobs', 'job_states', 'job_parameters', 'job_results', 'recurring_jobs', 'job_counters'] as const;

/** Row count and a digest of every row of each table: equal snapshots mean nothing was written. */
export async function snapshot(t: TestStorage): Promise<Record<string, string>> {
  const schema = t.storage.schema.quoted;
  const entries = await Promise.all(
    TABLES.map(async (table) => {
      const [row] = await t.sql<{ n: number; digest: string | null }>(
        `SELECT count(*)::int AS n, md5(string_agg(r::text, '|' ORDER BY r::text)) AS digest FROM ${schema}.${table} r`,
      );
      return [table, `${row?.n ?? '?'} rows, ${row?.digest ?? 'empty'}`] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** Runs `work` and asserts that no table changed. */
export async function assertUnchanged(t: TestStorage, what: string, work: () => Promise<void>): Promise<void> {
  const before = await snapshot(t);
  await work();
  assert.deepEqual(await snapshot(t), before, `${what} changed the database`);
}

/** An error value with a message, as every public error of the library is. */
export interface Described {
  readonly kind: string;
  readonly message: string;
}

/**
 * Calls `call` and insists on an error value within `timeoutMs`: a synchronous
 * throw, a rejected promise, an Ok or a hang each fail the test, naming `what`.
 */
export async function refused<E extends Described>(
  what: string,
  call: () => ResultAsync<unknown, E> | Result<unknown, E> | Promise<Result<unknown, E>>,
  timeoutMs = 20_000,
): Promise<E> {
  let outcome: Result<unknown, E>;
  try {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      outcome = await Promise.race([Promise.resolve(call()), deadline]);
    } finally {
      clearTimeout(timer);
    }
  } catch (error) {
    assert.fail(`${what} threw or rejected instead of returning an error value: ${error instanceof Error ? error.stack : String(error)}`);
  }
  assert.ok(outcome.isErr(), `${what} was accepted: ${safeText(outcome.isOk() ? outcome.value : undefined)}`);
  const error = outcome.error;
  assert.equal(typeof error.kind, 'string', `${what}: the error has a kind`);
  assert.equal(typeof error.message, 'string', `${what}: the error has a message`);
  assert.ok(error.message.length > 0, `${what}: the error message is empty`);
  return error;
}

/** Asserts an error's kind and that its message says what was wrong. */
export function assertError(error: Described, kind: string, message: RegExp, what: string): void {
  assert.equal(error.kind, kind, `${what}: ${error.kind}: ${error.message}`);
  assert.match(error.message, message, `${what}: the message should say what was wrong`);
}

export function safeText(value: unknown): string {
  try {
    return (JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value)).slice(0, 200);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Records unhandled rejections and uncaught exceptions of this test file, and
 * fails the file when there were any: a refusal must never leave a promise
 * rejecting in the background.
 */
export function failOnUnhandledRejections(): { readonly seen: unknown[] } {
  const seen: unknown[] = [];
  const record = (error: unknown) => void seen.push(error);
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  after(() => {
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
    assert.deepEqual(seen.map((e) => (e instanceof Error ? e.stack : safeText(e))), [], 'unhandled rejections or uncaught exceptions');
  });
  return { seen };
}
