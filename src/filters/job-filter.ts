import type { ElectedState, RecordedState } from '../states/elected-state.js';
import type { JobId, JsonValue, StateName } from '../storage/job-types.js';
import type { Job, RunnableJob, StoredInvocation } from '../jobs/job-invocation.js';

/** Before a job is stored. `cancel` stops the creation; the caller gets `CreationCanceled`. */
export interface CreatingContext {
  readonly job: Job;
  readonly invocation: StoredInvocation;
  readonly queue: string;
  readonly initialState: StateName;
  /** Parameters stored with the job; filters may add to them. */
  readonly parameters: Map<string, JsonValue>;
  cancel(reason: string): void;
}

/** After a job was stored. */
export interface CreatedContext {
  readonly jobId: JobId;
  readonly job: Job;
  readonly invocation: StoredInvocation;
  readonly queue: string;
}

/** Around the creation of jobs (Hangfire's IClientFilter). */
export interface ClientFilter {
  onCreating?(context: CreatingContext): void | Promise<void>;
  onCreated?(context: CreatedContext): void | Promise<void>;
}

/** Shared by the server-side contexts. */
export interface JobContext {
  readonly jobId: JobId;
  readonly typeName: string;
  readonly methodName: string | undefined;
  readonly queue: string;
  /** 0 on the first run; the number of retries so far. */
  readonly retryCount: number;
  getParameter(name: string): Promise<JsonValue | undefined>;
  setParameter(name: string, value: JsonValue): Promise<void>;
}

/** Before a job runs. `cancel` skips it; the job is then Deleted with the reason. */
export interface PerformingContext extends JobContext {
  readonly job: RunnableJob;
  readonly signal: AbortSignal;
  cancel(reason: string): void;
}

/** After a job ran (successfully or not). */
export interface PerformedContext extends JobContext {
  readonly job: RunnableJob;
  /** The handler's value when it succeeded. */
  readonly result: { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };
  readonly durationMs: number;
}

/** Around the run of a job in a worker (Hangfire's IServerFilter). */
export interface ServerFilter {
  onPerforming?(context: PerformingContext): void | Promise<void>;
  onPerformed?(context: PerformedContext): void | Promise<void>;
}

/** While a state is being chosen: a filter may replace the candidate (retry does). */
export interface ElectStateContext extends JobContext {
  readonly currentState: StateName;
  /** The state about to be applied; assign to replace it. */
  candidate: ElectedState;
  /** The error that led here, when the candidate is Failed. */
  readonly error: unknown;
  /** States proposed earlier in this election and replaced: recorded in the history before the elected one. */
  readonly replaced: RecordedState[];
}

/** Before a state is applied (Hangfire's IElectStateFilter). */
export interface ElectStateFilter {
  onStateElection(context: ElectStateContext): void | Promise<void>;
}

/** After a state change was applied. */
export interface ApplyStateContext {
  readonly jobId: JobId;
  readonly typeName: string;
  readonly oldState: StateName;
  readonly newState: ElectedState;
}

/** After a state change (Hangfire's IApplyStateFilter). */
export interface ApplyStateFilter {
  onStateApplied?(context: ApplyStateContext): void | Promise<void>;
}

/** A job filter implements any of the four kinds. */
export type JobFilter = Partial<ClientFilter & ServerFilter & ElectStateFilter & ApplyStateFilter>;

/** The reason a filter's `cancel` records: its own, or `fallback` when it gave none (a JavaScript caller may not). */
export function cancelReason(reason: unknown, fallback: string): string {
  return typeof reason === 'string' && reason !== '' ? reason : fallback;
}
