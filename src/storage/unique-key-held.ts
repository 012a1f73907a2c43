import { SQLSTATE, type InputRefusal, type StorageError } from './storage-error.js';

/** What the caller reads when a state change is refused because another job holds the job's unique key. */
const UNIQUE_KEY_HELD_MESSAGE =
  'the job cannot wait or run again while another job with its unique key is waiting or running: let that one finish, or delete it, first';

/**
 * A job brought back to waiting (a manual requeue of a finished job) while
 * another job with its unique key waits or runs: the partial unique index
 * refuses the row, and the caller hears why instead of a constraint name.
 * The refusal is marked (`refusal: 'UniqueKeyHeld'`) so whoever reports it
 * (the dashboard's bulk requeue) can tell it from other invalid changes, a
 * filter's bad queue say, whatever the message's wording.
 */
export function uniqueKeyHeld(error: StorageError): StorageError {
  if (error.kind !== 'DatabaseError' || error.code !== SQLSTATE.uniqueViolation || !error.message.includes('jobs_unique_key_idx')) return error;
  return { kind: 'InvalidInput', operation: error.operation, message: UNIQUE_KEY_HELD_MESSAGE, refusal: 'UniqueKeyHeld' };
}

/** Whether an error is the refusal of a held unique key (as the storage's InvalidInput, or the client's InvalidOptions). */
export function isUniqueKeyHeld(error: { readonly kind: string; readonly refusal?: InputRefusal }): boolean {
  return (error.kind === 'InvalidInput' || error.kind === 'InvalidOptions') && error.refusal === 'UniqueKeyHeld';
}
