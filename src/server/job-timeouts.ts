import { err, ok, type Result } from 'neverthrow';
import { MAX_TIMER_DELAY_MS } from '../config/defaults.js';
import { typeNameOf } from '../filters/filter-registry.js';
import type { ServiceClass } from '../jobs/job-services.js';
import type { RequestClass } from '../mediator/request.js';

/**
 * How long a job may run before the worker gives up on it (pg-boss's
 * expireIn, BullMQ's lock with a stalled check): its signal is aborted and
 * the run ends as a failure, `TimedOut`, which the retry filter treats like
 * any other. Hangfire has no such limit, and neither does a job type here
 * unless one is set: by default a handler may run as long as it likes.
 */
export interface JobTimeoutOptions {
  /** The limit in ms for every job type without its own; absent: none. */
  readonly defaultMs?: number | undefined;
  /** Limits for particular request classes or job services (or their stable names); `undefined` lifts the default for that type. */
  readonly byType?: ReadonlyArray<readonly [RequestClass | ServiceClass | string, number | undefined]> | undefined;
}

/** The error value of a run that outlived its job type's timeout. */
export interface JobTimedOut {
  readonly kind: 'TimedOut';
  readonly timeoutMs: number;
  readonly message: string;
}

/** The abort reason a timed-out job's signal carries. */
export class JobTimeoutElapsed extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the job did not finish within ${timeoutMs} ms`);
    this.name = 'JobTimeoutElapsed';
  }
}

/** Looks up a job type's timeout; built once per engine from checked options. */
export class JobTimeouts {
  static readonly none = new JobTimeouts(undefined, new Map());

  private constructor(
    private readonly defaultMs: number | undefined,
    private readonly byType: ReadonlyMap<string, number | undefined>,
  ) {}

  /** Checks the options: each limit a whole number of ms from 1 to the longest timer Node.js keeps (about 24.8 days). */
  static from(options: JobTimeoutOptions | undefined): Result<JobTimeouts, string> {
    if (options === undefined || options === null) return ok(JobTimeouts.none);
    if (typeof options !== 'object' || Array.isArray(options)) return err('timeouts is an object: { defaultMs, byType: [[request class, job service or type name, ms]] }.');
    if (options.byType !== undefined && !Array.isArray(options.byType)) return err('timeouts.byType is a list of [request class, job service or type name, ms] pairs.');
    const bad = (what: string, value: unknown) => err(`${what} ${JSON.stringify(value) ?? String(value)} is refused: use a whole number of ms from 1 to ${MAX_TIMER_DELAY_MS}.`);
    if (options.defaultMs !== undefined && !validMs(options.defaultMs)) return bad('timeouts.defaultMs', options.defaultMs);
    const byType = new Map<string, number | undefined>();
    const entries: readonly unknown[] = options.byType ?? [];
    for (const entry of entries) {
      const [scope, ms] = Array.isArray(entry) ? (entry as readonly unknown[]) : [undefined, undefined];
      const name = isTypeScope(scope) ? typeNameOf(scope) : undefined;
      if (name === undefined || name === '') return err('timeouts.byType takes [request class, job service or type name, ms] pairs.');
      if (ms !== undefined && !validMs(ms)) return bad(`the timeout of ${name}`, ms);
      byType.set(name, ms);
    }
    return ok(new JobTimeouts(options.defaultMs, byType));
  }

  /** The limit for jobs of this type, in ms; undefined: none. */
  forType(typeName: string): number | undefined {
    return this.byType.has(typeName) ? this.byType.get(typeName) : this.defaultMs;
  }
}

function isTypeScope(value: unknown): value is RequestClass | ServiceClass | string {
  return typeof value === 'string' || typeof value === 'function';
}

function validMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= MAX_TIMER_DELAY_MS;
}
