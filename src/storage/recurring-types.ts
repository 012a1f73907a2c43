import type { Invocation, JobId } from './job-types.js';

/** What to do with ticks missed while no server was running. */
export type MisfirePolicy = 'relaxed' | 'strict' | 'ignorable';

/** A recurring job definition, as the client writes it. */
export interface RecurringDefinition extends Invocation {
  readonly id: string;
  readonly cron: string;
  readonly timeZone: string;
  readonly queue: string;
  readonly displayName?: string | undefined;
  readonly misfire: MisfirePolicy;
  readonly skipIfRunning: boolean;
  /** The first tick to fire; computed by the caller from the cron expression. */
  readonly nextExecutionAt: Date | undefined;
}

/** A stored recurring job with its schedule state. */
export interface RecurringJob extends RecurringDefinition {
  readonly paused: boolean;
  readonly lastExecutionAt: Date | undefined;
  readonly lastJobId: JobId | undefined;
  readonly error: string | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
