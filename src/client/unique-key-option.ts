import type { JobError } from '../jobs/job-error.js';

/** Where a caller can give `uniqueKey`, for the refusals that say it is not taken elsewhere. */
const WHERE_UNIQUE_KEY_IS_TAKEN = 'uniqueKey is an option of a single job: enqueue, schedule and continueWith (and the mediator\'s enqueue and dispatch)';

/**
 * Whether options give a unique key. JavaScript callers may put one where the
 * types have none (the options of a batch or a recurring job), and pass null
 * for "no key".
 */
export function givesUniqueKey(options: object | null | undefined): boolean {
  if (options === null || options === undefined) return false;
  const key = (options as { readonly uniqueKey?: unknown }).uniqueKey;
  return key !== undefined && key !== null;
}

/** `call` does not take uniqueKey, because `why`: said, instead of the key being silently ignored. */
export function uniqueKeyNotTaken(call: string, why: string): JobError {
  return { kind: 'InvalidOptions', message: `${call} does not take uniqueKey: ${why}. ${WHERE_UNIQUE_KEY_IS_TAKEN}.` };
}
