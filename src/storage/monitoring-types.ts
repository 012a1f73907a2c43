import type { JobId, JsonValue, StateName, StateRecord } from './job-types.js';

/** A job as listed on a monitoring page. */
export interface JobSummary {
  readonly id: JobId;
  readonly queue: string;
  readonly state: StateName;
  readonly typeName: string;
  readonly methodName: string | undefined;
  readonly displayName: string | undefined;
  readonly createdAt: Date;
  readonly stateChangedAt: Date;
  readonly runAt: Date | undefined;
  readonly leaseOwner: string | undefined;
  readonly parentId: JobId | undefined;
  readonly recurringId: string | undefined;
}

/** Everything stored about one job. The payload stays raw text here, so a malformed one can still be shown. */
export interface JobDetails extends JobSummary {
  readonly payloadText: string;
  readonly fetchCount: number;
  /** Retries so far. */
  readonly retryCount: number;
  readonly expireAt: Date | undefined;
  /** The key the job was created with (`uniqueKey`), if any; it is held only while the job waits or runs. */
  readonly uniqueKey: string | undefined;
  readonly parameters: Readonly<Record<string, string>>;
  /** JSON text of the stored result, when the job succeeded with one. */
  readonly resultText: string | undefined;
  /** Newest first. */
  readonly history: readonly StateRecord[];
}

/** What the dashboard searches for: jobs in a state (or any), matching a term. */
export interface JobSearch {
  /** Only jobs in this state; every state when absent. */
  readonly state?: StateName | undefined;
  /**
   * Matched against the job id (exactly), and, case-insensitively as a
   * substring, the display name, type name, method name and payload JSON.
   * Absent or empty: every job (of the state).
   */
  readonly term?: string | undefined;
  readonly offset: number;
  readonly limit: number;
}

/** A page of a list. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
}

/** A queue and what waits in it. */
export interface QueueSummary {
  readonly name: string;
  readonly enqueued: number;
  readonly processing: number;
}

/** A running (or silent) server. */
export interface ServerInfo {
  readonly name: string;
  readonly workerCount: number;
  readonly queues: readonly string[];
  readonly startedAt: Date;
  readonly heartbeatAt: Date;
}

/** A server announcing itself. */
export interface ServerAnnouncement {
  readonly name: string;
  readonly workerCount: number;
  readonly queues: readonly string[];
}

/** What the dashboard's history shows: how many hours and days back, the current ones included. */
export interface StateHistoryRequest {
  /** Hourly points (1 to 720). */
  readonly hours: number;
  /** Daily points, UTC days (1 to 30). */
  readonly days: number;
}

/** Jobs that reached Succeeded and Failed in one hour or day. */
export interface HistoryPoint {
  /** The start of the hour or the UTC day. */
  readonly start: Date;
  readonly succeeded: number;
  readonly failed: number;
}

/** Succeeded and Failed per hour and per day, oldest first. */
export interface StateHistory {
  readonly hourly: readonly HistoryPoint[];
  readonly daily: readonly HistoryPoint[];
}

/**
 * Jobs that ever reached Succeeded and Failed (Hangfire's stats:succeeded and
 * stats:failed): they only grow, whatever expiration and retries remove.
 */
export interface AllTimeCounts {
  readonly succeeded: number;
  readonly failed: number;
}

/** Job counts per state; states without jobs count 0. */
export type StateCounts = Readonly<Record<StateName, number>>;

/** A parameter value as stored: JSON. */
export type ParameterValue = JsonValue;
