import { SQLSTATE, type StorageError } from './storage-error.js';

/**
 * The message of a state change refused because another job holds the job's
 * unique key. One constant, so whoever reports the refusal (the dashboard's
 * bulk requeue) can tell it from other invalid changes, a filter's bad queue
 * say, which must not be reported as a held key.
 */
export const UNIQUE_KEY_HELD_MESSAGE =
  'the job cannot wait or run again while another job with its unique key is waiting or running: let that one finish, or delete it, first';

/**
 * A job brought back to waiting (a manual requeue of a finished job) while
 * another job with its unique key waits or runs: the partial unique index
 * refuses the row, and the caller hears why instead of a constraint name.
 */
export function uniqueKeyHeld(error: StorageError): StorageError {
  if (error.kind !== 'DatabaseError' || error.code !== SQLSTATE.uniqueViolation || !error.message.includes('jobs_unique_key_idx')) return error;
  return { kind: 'InvalidInput', operation: error.operation, message: UNIQUE_KEY_HELD_MESSAGE };
}

/** Whether an error's message is the refusal of a held unique key (as InvalidInput, or the client's InvalidOptions). */
export function isUniqueKeyHeld(error: { readonly kind: string; readonly message?: string }): boolean {
  return (error.kind === 'InvalidInput' || error.kind === 'InvalidOptions') && error.message === UNIQUE_KEY_HELD_MESSAGE;
}
