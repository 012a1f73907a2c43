import { readSafely } from '../logging/read-safely.js';
import type { RequestClass } from '../mediator/request.js';
import type { ServiceClass } from '../jobs/job-services.js';
import { failureDetails } from '../states/elected-state.js';
import type { ElectStateContext, ElectStateFilter } from './job-filter.js';
import { typeNameOf } from './filter-registry.js';

/** Default number of retries after the first failure, as in Hangfire. */
export const DEFAULT_RETRY_ATTEMPTS = 10;

/** How a job type is retried. */
export interface RetryPolicy {
  /** Retries after the first failure; 0 disables retrying. Default 10. */
  readonly attempts: number;
  /**
   * Delay before each retry in ms: the first entry before retry 1, and so on;
   * the last entry repeats. Absent: Hangfire's growing delay,
   * about attempt^4 + 15 s, plus up to 30 s x attempt of jitter.
   */
  readonly delaysMs?: readonly number[] | undefined;
  /** When attempts run out: leave the job Failed (default, visible for a manual retry) or delete it. */
  readonly onAttemptsExceeded?: 'Fail' | 'Delete' | undefined;
}

/** Settings of the retry filter. */
export interface AutomaticRetryOptions {
  /** The policy for every job type without its own. */
  readonly defaults?: Partial<RetryPolicy>;
  /** Policies for particular request classes or job services. */
  readonly byType?: ReadonlyArray<readonly [RequestClass | ServiceClass | string, Partial<RetryPolicy>]>;
  /** Source of jitter; injectable for tests. */
  readonly random?: () => number;
  /** Clock for the retry time; injectable for tests. */
  readonly now?: () => Date;
}

/**
 * Automatic retries as an elect-state filter (Hangfire's AutomaticRetry):
 * when a job is about to become Failed and attempts remain, the candidate is
 * replaced by Scheduled at the retry time; the Failed state is still recorded
 * in the history, so every failed attempt stays visible.
 *
 * An error value with `retryable: false` (or an Error with that property) is
 * never retried: the job fails at once.
 */
export class AutomaticRetry implements ElectStateFilter {
  private readonly defaults: RetryPolicy;
  private readonly byType: Map<string, RetryPolicy>;
  private readonly random: () => number;
  private readonly now: () => Date;

  constructor(options: AutomaticRetryOptions = {}) {
    this.defaults = { attempts: DEFAULT_RETRY_ATTEMPTS, onAttemptsExceeded: 'Fail', ...options.defaults };
    this.byType = new Map((options.byType ?? []).map(([scope, policy]) => [typeNameOf(scope) ?? '', { ...this.defaults, ...policy }]));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
  }

  onStateElection(context: ElectStateContext): void {
    if (context.candidate.to.name !== 'Failed') return;
    const policy = this.byType.get(context.typeName) ?? this.defaults;
    const failure = failureDetails(context.error);
    if (isNonRetryable(context.error)) {
      context.candidate = { ...context.candidate, reason: `Failed without retry (the error says it must not be retried): ${failure.message}` };
      return;
    }
    const attempt = context.retryCount + 1;
    if (attempt <= policy.attempts) {
      context.replaced.push({ name: 'Failed', reason: context.candidate.reason ?? failure.message, data: context.candidate.data });
      const delayMs = this.delayMs(policy, attempt);
      context.candidate = {
        to: { name: 'Scheduled', runAt: new Date(this.now().getTime() + delayMs), retryCount: attempt },
        reason: `Retry attempt ${attempt} of ${policy.attempts}: ${failure.message}`,
        data: { retryAttempt: attempt, delayMs },
      };
      return;
    }
    const exhausted = `Retry attempts exhausted (${policy.attempts})`;
    if (policy.onAttemptsExceeded === 'Delete') {
      context.replaced.push({ name: 'Failed', reason: context.candidate.reason ?? failure.message, data: context.candidate.data });
      context.candidate = { to: { name: 'Deleted' }, reason: `${exhausted}; deleted as configured` };
      return;
    }
    context.candidate = { ...context.candidate, reason: `${exhausted}: ${failure.message}` };
  }

  private delayMs(policy: RetryPolicy, attempt: number): number {
    const explicit = policy.delaysMs;
    if (explicit !== undefined && explicit.length > 0) return Math.max(0, explicit[Math.min(attempt, explicit.length) - 1] ?? 0);
    return hangfireRetryDelayMs(attempt, this.random);
  }
}

/** Hangfire's back-off: (attempt - 1)^4 + 15 s, plus 0..29 s x attempt of jitter. */
export function hangfireRetryDelayMs(attempt: number, random: () => number = Math.random): number {
  const jitterSeconds = Math.floor(random() * 30) * attempt;
  return Math.round((Math.pow(attempt - 1, 4) + 15 + jitterSeconds) * 1000);
}

/** `retryable: false` on the error value, or on what a throwing handler threw (carried as `cause`). */
function isNonRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  // Read safely: what a handler threw may have getters or Proxy traps that throw, and a throwing filter would skip the retry.
  if (readSafely(error, 'retryable') === false) return true;
  const cause = readSafely(error, 'cause');
  return typeof cause === 'object' && cause !== null && readSafely(cause, 'retryable') === false;
}
