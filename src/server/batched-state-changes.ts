import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { ApplyChanges } from '../states/state-machine.js';
import type { JobStorage } from '../storage/job-storage.js';
import type { StateChange } from '../storage/state-change.js';
import type { StorageError } from '../storage/storage-error.js';
import { Coalescer } from '../storage/coalescer.js';

/**
 * The completion path: state changes from all of a server's workers go to the
 * database together, one statement for many jobs (history rows and results
 * included). Each worker still learns whether its own change applied, and only
 * after the statement committed, so a job is never reported Succeeded early.
 */
export function batchedStateChanges(storage: JobStorage): ApplyChanges {
  const coalescer = new Coalescer<StateChange, Result<boolean, StorageError>>(async (changes) => {
    const applied = await storage.changeStates(changes);
    return applied.match(
      (flags) => flags.map((flag) => ok(flag)),
      (error) => changes.map(() => err(error)),
    );
  });
  return (changes: readonly StateChange[]) =>
    ResultAsync.fromSafePromise(Promise.all(changes.map((change) => coalescer.submit(change)))).andThen((outcomes) => {
      const failed = outcomes.find((outcome) => outcome.isErr());
      if (failed !== undefined && failed.isErr()) return err(failed.error);
      return ok(outcomes.map((outcome) => outcome.unwrapOr(false)));
    });
}
