import type { JobId, JsonValue, Lease, StateName } from './job-types.js';

/** A state proposed during the election and replaced (a Failed turned into a retry): kept in the history. */
export interface ReplacedState {
  readonly name: StateName;
  readonly reason?: string | undefined;
  readonly data?: Readonly<Record<string, JsonValue>> | undefined;
  /** States proposed and replaced before this one, oldest first: recorded in the history before it. */
  readonly replaced?: readonly ReplacedState[] | undefined;
}

/** The state to move a job into, with what that state stores. */
export type TargetState =
  /** Into a queue; `toHead` keeps its original place (a job handed back), otherwise it joins the tail. */
  /** `resetRetries` starts the retry count again (a manual requeue). */
  | { readonly name: 'Enqueued'; readonly queue?: string | undefined; readonly toHead?: boolean | undefined; readonly resetRetries?: boolean | undefined }
  /** `retryCount` records which retry this is, when the retry filter schedules it. */
  | { readonly name: 'Scheduled'; readonly runAt: Date; readonly retryCount?: number | undefined }
  | { readonly name: 'Awaiting' }
  /** `result` is JSON text of the job's return value, stored until the job expires. */
  | { readonly name: 'Succeeded'; readonly result?: string | undefined }
  | { readonly name: 'Failed' }
  | { readonly name: 'Deleted' };

/**
 * One guarded state transition. It applies only when the job is in one of the
 * `from` states (and, with a lease, still held by that lease), and it appends
 * to the job's history in the same statement.
 */
export interface StateChange {
  readonly jobId: JobId;
  /** Expected current states; the change is skipped when the job is in none of them. */
  readonly from: readonly StateName[];
  /** When set, the job must still be Processing under this lease. */
  readonly lease?: Lease | undefined;
  readonly to: TargetState;
  readonly reason?: string | undefined;
  /** State-specific details for the history (error type, message, stack, duration...). */
  readonly data?: Readonly<Record<string, JsonValue>> | undefined;
  /** States proposed and replaced before this one, oldest first: recorded in the history before it. */
  readonly replaced?: readonly ReplacedState[] | undefined;
}
