import { err, ok, type Result } from 'neverthrow';
import { invalidValue, type ConfigError } from './config-error.js';
import { DEFAULT_QUEUES } from './defaults.js';
import { ACCEPTED_QUEUE_NAME, isQueueName } from './names.js';
import { isUnset } from './setting-readers.js';
import type { RawSettings } from './setting-keys.js';


/**
 * Reads `Queues`: an array of queue names, or one comma-separated string (as an
 * environment variable gives it; spaces around names are ignored).
 *
 * @returns {@link DEFAULT_QUEUES} when unset; a frozen copy of the names otherwise; or
 * an `InvalidValue` error for a non-list, an empty list, a bad name or a duplicate
 * (names are compared exactly: "Default" and "default" are two queues).
 */
export function readQueues(raw: RawSettings): Result<readonly string[], ConfigError> {
  const value = raw.Queues;
  if (isUnset(value)) return ok(DEFAULT_QUEUES);
  const names: unknown[] | undefined =
    typeof value === 'string' ? value.split(',').map((name) => name.trim()) : Array.isArray(value) ? value : undefined;
  if (names === undefined) {
    return err(invalidValue('Queues', value, 'expected a list of queue names, e.g. ["critical", "default"]'));
  }
  if (names.length === 0) return err(invalidValue('Queues', value, 'list at least one queue, e.g. ["default"]'));
  const accepted: string[] = [];
  for (const [index, name] of names.entries()) {
    if (!isQueueName(name)) {
      return err(invalidValue('Queues', value, `item ${index} ${JSON.stringify(name) ?? String(name)} is not a queue name; ${ACCEPTED_QUEUE_NAME}`));
    }
    if (accepted.includes(name)) {
      return err(invalidValue('Queues', value, `queue "${name}" is listed twice; list each queue once`));
    }
    accepted.push(name);
  }
  return ok(Object.freeze(accepted));
}
