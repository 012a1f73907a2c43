import { err, ok, type Result } from 'neverthrow';
import type { FetchedJob, JsonValue, StateName, StateRecord } from './job-types.js';
import type { JobSummary, ServerInfo } from './monitoring-types.js';
import type { MisfirePolicy, RecurringJob } from './recurring-types.js';
import type { MalformedJob } from './storage-error.js';
import type { ReleasedContinuation } from './job-storage.js';

/** A row of the fetch statement. */
export interface FetchedRow {
  id: string;
  queue: string;
  type_name: string;
  method_name: string | null;
  payload: string;
  display_name: string | null;
  fetch_count: number;
  retry_count: number;
  /** Milliseconds since the epoch (see sql/created-at-ms.ts). */
  created_at_ms: number;
}

/**
 * Decodes a fetched row. A payload that is not JSON (a row edited by hand, a
 * writer with a bug) becomes a `MalformedJob` the worker can fail, instead of
 * an exception that would stop the whole batch.
 */
export function decodeFetchedRow(row: FetchedRow): Result<FetchedJob, MalformedJob> {
  const lease = { jobId: row.id, token: row.fetch_count };
  let payload: JsonValue;
  try {
    payload = JSON.parse(row.payload) as JsonValue;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return err({ kind: 'MalformedJob', jobId: row.id, lease, typeName: row.type_name, message: `Stored payload of job ${row.id} (${row.type_name}) is not valid JSON: ${reason}` });
  }
  return ok({
    id: row.id,
    queue: row.queue,
    typeName: row.type_name,
    methodName: row.method_name ?? undefined,
    payload,
    displayName: row.display_name ?? undefined,
    fetchCount: row.fetch_count,
    retryCount: row.retry_count,
    lease,
    createdAt: new Date(row.created_at_ms),
  });
}

/** A row with the summary columns of the monitoring statements. */
export interface SummaryRow {
  id: string;
  queue: string;
  state: StateName;
  type_name: string;
  method_name: string | null;
  display_name: string | null;
  created_at: Date;
  state_changed_at: Date;
  run_at: Date | null;
  lease_owner: string | null;
  parent_id: string | null;
  recurring_id: string | null;
}

export function decodeSummary(row: SummaryRow): JobSummary {
  return {
    id: row.id,
    queue: row.queue,
    state: row.state,
    typeName: row.type_name,
    methodName: row.method_name ?? undefined,
    displayName: row.display_name ?? undefined,
    createdAt: row.created_at,
    stateChangedAt: row.state_changed_at,
    runAt: row.run_at ?? undefined,
    leaseOwner: row.lease_owner ?? undefined,
    parentId: row.parent_id ?? undefined,
    recurringId: row.recurring_id ?? undefined,
  };
}

export interface HistoryRow {
  name: StateName;
  reason: string | null;
  data: Record<string, JsonValue> | null;
  created_at: Date;
}

export function decodeHistory(row: HistoryRow): StateRecord {
  return { name: row.name, reason: row.reason ?? undefined, data: row.data ?? undefined, createdAt: row.created_at };
}

export interface ServerRow {
  name: string;
  worker_count: number;
  queues: string[];
  started_at: Date;
  heartbeat_at: Date;
}

export function decodeServer(row: ServerRow): ServerInfo {
  return { name: row.name, workerCount: row.worker_count, queues: row.queues, startedAt: row.started_at, heartbeatAt: row.heartbeat_at };
}

export interface RecurringJobRow {
  id: string;
  cron: string;
  time_zone: string;
  queue: string;
  type_name: string;
  method_name: string | null;
  payload: string;
  display_name: string | null;
  misfire: MisfirePolicy;
  skip_if_running: boolean;
  paused: boolean;
  next_execution_at: Date | null;
  last_execution_at: Date | null;
  last_job_id: string | null;
  error: string | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * Decodes a recurring definition. A payload that no longer parses is reported
 * in `error` (with a null payload) so the scheduler and dashboard can show it
 * rather than fail the whole list.
 */
export function decodeRecurring(row: RecurringJobRow): RecurringJob {
  const payload = parseStoredJson(row.payload);
  return {
    id: row.id,
    cron: row.cron,
    timeZone: row.time_zone,
    queue: row.queue,
    typeName: row.type_name,
    methodName: row.method_name ?? undefined,
    payload: payload.ok ? payload.value : null,
    displayName: row.display_name ?? undefined,
    misfire: row.misfire,
    skipIfRunning: row.skip_if_running,
    paused: row.paused,
    nextExecutionAt: row.next_execution_at ?? undefined,
    lastExecutionAt: row.last_execution_at ?? undefined,
    lastJobId: row.last_job_id ?? undefined,
    error: payload.ok ? (row.error ?? undefined) : payload.message,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Parses JSON text we stored, reporting text that does not parse (only rows edited by hand). */
export function parseStoredJson(text: string): { ok: true; value: JsonValue } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (error) {
    return { ok: false, message: `Stored JSON does not parse: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Shared by every statement that moved none: the completion path asks once per batch. */
const NONE_RELEASED: readonly ReleasedContinuation[] = Object.freeze([]);

/**
 * The continuations a statement moved on, from the JSON text the statement
 * built (continuation-rules.ts); none for NULL. Built by our own SQL from
 * typed columns, so it is trusted as it is.
 */
export function decodeReleasedContinuations(json: string | null): readonly ReleasedContinuation[] {
  if (json === null) return NONE_RELEASED;
  const rows = JSON.parse(json) as (Omit<ReleasedContinuation, 'methodName' | 'parentState'> & { methodName: string | null; parentState: StateName | null })[];
  return rows.map((row) => ({ ...row, methodName: row.methodName ?? undefined, parentState: row.parentState ?? undefined }));
}
