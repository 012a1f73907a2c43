import { err, ok, type Result } from 'neverthrow';
import type { JobError } from '../jobs/job-error.js';
import { describeError } from '../logging/logger.js';
import { quoteForMessage } from '../storage/input-validation.js';

/** How many unknown names a message lists, so that a hostile object with thousands of keys gives a readable one. */
const MAX_NAMES_LISTED = 10;

/**
 * The names of an options type, written as a record so that the compiler
 * insists on every one of them: an option added to the type but not here
 * would otherwise be refused as unknown.
 */
export function optionNames<T extends object>(names: Readonly<Record<keyof Required<T>, true>>): ReadonlySet<string> {
  return new Set(Object.keys(names));
}

/**
 * The names in `options` that `accepted` does not hold. The types forbid
 * them, but a JavaScript caller's typo (`{ queu: 'critical' }`) would
 * otherwise be dropped without a word and the job created in the default
 * queue. An option set to undefined or null says nothing (null is "none"
 * throughout, as JavaScript callers write it), so it loses nothing and is not
 * counted. Null or undefined options are none. Options that are not an
 * object, or cannot be read (a proxy whose trap throws, a getter that
 * throws), are `InvalidOptions`. Runs on every single enqueue: a set lookup per name given.
 */
export function unknownOptionNames(options: unknown, call: string, accepted: ReadonlySet<string>): Result<readonly string[], JobError> {
  if (options === undefined || options === null) return ok([]);
  if (typeof options !== 'object' || Array.isArray(options)) {
    return err({ kind: 'InvalidOptions', message: `${call} takes its options as an object ({ ${[...accepted].join(', ')} }), not ${Array.isArray(options) ? 'a list' : `a ${typeof options}`}.` });
  }
  const unknown: string[] = [];
  try {
    // Own names only: an enumerable property someone added to Object.prototype must not refuse every call.
    for (const name of Object.keys(options)) {
      // Every value is read here, known or not: a getter that throws is refused now, not thrown out of the call that reads it next.
      const value = (options as Record<string, unknown>)[name];
      if (!accepted.has(name) && !isNone(value)) unknown.push(name);
    }
  } catch (error) {
    return err({ kind: 'InvalidOptions', message: `${call}'s options could not be read: ${describeError(error)}.` });
  }
  return ok(unknown);
}

/** `call` does not take the options named in `unknown`: a message naming them and the ones it takes, then `outcome`. */
export function optionsNotTaken(call: string, unknown: readonly string[], accepted: ReadonlySet<string>, outcome = 'Nothing was stored.'): JobError {
  const listed = unknown.slice(0, MAX_NAMES_LISTED).map(quoteForMessage).join(', ');
  const names = unknown.length > MAX_NAMES_LISTED ? `${listed} and ${unknown.length - MAX_NAMES_LISTED} more` : listed;
  return { kind: 'InvalidOptions', message: `${call} does not take ${unknown.length === 1 ? 'option' : 'options'} ${names}: it takes ${[...accepted].join(', ')}. ${outcome}` };
}

/** `InvalidOptions` when `options` is not an object or names an option `accepted` does not hold; see {@link unknownOptionNames}. */
export function checkOptionNames(options: unknown, call: string, accepted: ReadonlySet<string>): Result<void, JobError> {
  const unknown = unknownOptionNames(options, call, accepted);
  if (unknown.isErr()) return err(unknown.error);
  return unknown.value.length === 0 ? ok(undefined) : err(optionsNotTaken(call, unknown.value, accepted));
}

function isNone(value: unknown): boolean {
  return value === undefined || value === null;
}
