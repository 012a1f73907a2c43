/** Storage-level vocabulary: job ids, states and the rows the contract hands out. */

/** A job id. Stored as bigint; carried as a decimal string so it never loses precision. */
export type JobId = string;

/** The job states, one word each, as in Hangfire. */
export const JOB_STATES = ['Enqueued', 'Scheduled', 'Awaiting', 'Processing', 'Succeeded', 'Failed', 'Deleted'] as const;
export type StateName = (typeof JOB_STATES)[number];

/** States a job never leaves on its own: it only moves on by an explicit requeue. */
export const FINAL_STATES: readonly StateName[] = ['Succeeded', 'Failed', 'Deleted'];

/** Which parent outcome releases a continuation. */
export type ContinuationOption = 'succeeded' | 'finished' | 'deleted';

/** A JSON value: what payloads, parameters and results are made of once encoded. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** What to run: a request by its stable type name, or a method of a registered service. */
export interface Invocation {
  readonly typeName: string;
  /** Set for a method call on a service; absent for a request. */
  readonly methodName?: string | undefined;
  /** The request's fields or the method's arguments, already encoded as JSON values. */
  readonly payload: JsonValue;
}

/** The state a new job starts in. */
export type InitialState =
  | { readonly name: 'Enqueued' }
  | { readonly name: 'Scheduled'; readonly runAt: Date }
  | { readonly name: 'Awaiting'; readonly parentId: JobId; readonly on: ContinuationOption };

/** A job to create. */
export interface NewJob extends Invocation {
  readonly queue: string;
  readonly state: InitialState;
  /** Recorded in the first history entry. */
  readonly reason?: string | undefined;
  readonly displayName?: string | undefined;
  readonly recurringId?: string | undefined;
  readonly parameters?: Readonly<Record<string, JsonValue>> | undefined;
  /**
   * At most one job with this key waits or runs at a time (see
   * `JobStorage.createUniqueJob`); the batch and merged paths refuse it.
   */
  readonly uniqueKey?: string | undefined;
}

/** What creating a job with a unique key did: created it, or found the job holding the key. */
export interface UniqueCreation {
  readonly id: JobId;
  /** False when a job with the key was already waiting or running: `id` is that job's, and nothing was written. */
  readonly created: boolean;
}

/** A job a worker holds under a lease. */
export interface FetchedJob extends Invocation {
  readonly id: JobId;
  readonly queue: string;
  readonly displayName: string | undefined;
  /** 1 on the first fetch; higher when a lease expired or the job was handed back. */
  readonly fetchCount: number;
  /** Retries so far: 0 on the first run. */
  readonly retryCount: number;
  /** The lease: present it to renew, release or complete the job. */
  readonly lease: Lease;
  readonly createdAt: Date;
}

/** Proof of holding a job: the job id and the fetch it came from (a fencing token). */
export interface Lease {
  readonly jobId: JobId;
  readonly token: number;
}

/** A job's state and, when asked for and it Succeeded, its stored result (JSON text), read together (JobStorage.getOutcomes). */
export interface JobOutcome {
  readonly state: StateName;
  /** `undefined` when not asked for, not Succeeded, or nothing was stored. */
  readonly result: string | undefined;
}

/** One entry of a job's history. */
export interface StateRecord {
  readonly name: StateName;
  readonly reason: string | undefined;
  readonly data: Readonly<Record<string, JsonValue>> | undefined;
  readonly createdAt: Date;
}
