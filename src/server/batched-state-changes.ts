import { err, ok, type Result } from 'neverthrow';
import type { ApplyChanges } from '../states/state-machine.js';
import type { JobStorage } from '../storage/job-storage.js';
import type { StateChange } from '../storage/state-change.js';
import { connectionLost, refusedForContent, refusedForNow, type StorageError } from '../storage/storage-error.js';
import { Coalescer } from '../storage/coalescer.js';

/** First pause before writing outcomes again after a lost connection; doubles up to a second. */
const FIRST_RETRY_DELAY_MS = 50;

/**
 * The completion path: state changes from all of a server's workers go to the
 * database together, one statement for many jobs (history rows and results
 * included). Each worker still learns whether its own change applied, and only
 * after the statement committed, so a job is never reported Succeeded early.
 *
 * When the connection is lost mid-statement (database restarted, backend
 * terminated), the batch is written again for up to `retryForMs`: every
 * change carries its lease's fencing token, so a write that had in fact
 * committed cannot apply twice (the retry finds the job moved on). Without
 * this, every job of the batch would run again once its lease ran out.
 * A batch the database refused for a passing reason (a deadlock, a
 * serialization conflict, a lock or statement timeout: `refusedForNow`) is
 * written again within the same budget: nothing of it applied, so sending it
 * again is safe with or without fencing tokens.
 * Once `giveUp` is aborted (the server's workers have stopped), a write that
 * still fails is given up: its jobs run again when their leases expire.
 *
 * A batch that mixes fenced changes with unfenced ones (the delayed-job
 * scheduler's promotions share the batch) and loses its connection has its
 * fenced changes written again on their own: see writeFencedAgain.
 *
 * When the database or the storage refuses a batch for what one of its
 * changes holds (a value it cannot store), the changes are written again one
 * by one, so only the culprit's worker gets the refusal: the other jobs of the
 * batch would otherwise stay Processing until their leases ran out, and run
 * again. A rare path; the usual batch costs nothing for it.
 */
export function batchedStateChanges(storage: JobStorage, retryForMs = 0, giveUp?: AbortSignal): ApplyChanges {
  const coalescer = new Coalescer<StateChange, Result<boolean, StorageError>>(async (changes) => {
    const applied = await writeWithRetry(storage, changes, retryForMs, giveUp);
    if (applied.isOk()) return applied.value.map((flag) => ok(flag));
    if (changes.length > 1 && refusedForContent(applied.error)) return writeOneByOne(storage, changes, retryForMs, giveUp);
    if (connectionLost(applied.error) && changes.some(isFenced) && !changes.every(isFenced)) return writeFencedAgain(storage, changes, applied.error, retryForMs, giveUp);
    return changes.map(() => err(applied.error));
  });
  return (changes: readonly StateChange[]) => submitAll(coalescer, changes);
}

/** Each change's outcome, or the first failure; plain awaits, as every job's completion comes through here. */
async function submitAll(coalescer: Coalescer<StateChange, Result<boolean, StorageError>>, changes: readonly StateChange[]): Promise<Result<boolean[], StorageError>> {
  const outcomes = changes.length === 1 ? [await coalescer.submit(changes[0] as StateChange)] : await Promise.all(changes.map((change) => coalescer.submit(change)));
  const applied: boolean[] = [];
  for (const outcome of outcomes) {
    if (outcome.isErr()) return err(outcome.error);
    applied.push(outcome.value);
  }
  return ok(applied);
}

async function writeWithRetry(storage: JobStorage, changes: StateChange[], retryForMs: number, giveUp: AbortSignal | undefined): Promise<Result<boolean[], StorageError>> {
  const fenced = changes.every(isFenced);
  const giveUpAt = Date.now() + retryForMs;
  let delay = FIRST_RETRY_DELAY_MS;
  for (;;) {
    const applied = await storage.changeStates(changes);
    if (applied.isOk() || !worthWritingAgain(applied.error, fenced) || Date.now() + delay > giveUpAt || giveUp?.aborted === true) return applied;
    await pause(delay, giveUp);
    delay = Math.min(delay * 2, 1_000);
  }
}

/** A lost connection may have committed the batch: only fencing tokens make writing it again safe. A refusal applied nothing. */
function worthWritingAgain(error: StorageError, fenced: boolean): boolean {
  return (fenced && connectionLost(error)) || refusedForNow(error);
}

/** A change that carries its lease's fencing token: writing it again after a lost connection cannot apply it twice. */
function isFenced(change: StateChange): boolean {
  return change.lease !== undefined;
}

/**
 * A batch that mixed fenced changes (workers' outcomes) with unfenced ones
 * (the scheduler's promotions, guarded by their state only) lost its
 * connection: the fenced changes are written again, so their jobs do not run
 * a second time; the others get the error (a due job that was not promoted
 * is read again by the scheduler's next round).
 */
async function writeFencedAgain(storage: JobStorage, changes: StateChange[], lost: StorageError, retryForMs: number, giveUp: AbortSignal | undefined): Promise<Result<boolean, StorageError>[]> {
  const fenced = changes.filter(isFenced);
  const written = await writeWithRetry(storage, fenced, retryForMs, giveUp);
  let next = 0;
  return changes.map((change) => {
    if (!isFenced(change)) return err(lost);
    const index = next++;
    return written.map((flags) => flags[index] === true);
  });
}

/** Each change in its own statement, in order: a refused one fails alone. */
async function writeOneByOne(storage: JobStorage, changes: StateChange[], retryForMs: number, giveUp: AbortSignal | undefined): Promise<Result<boolean, StorageError>[]> {
  const outcomes: Result<boolean, StorageError>[] = [];
  for (const change of changes) {
    const applied = await writeWithRetry(storage, [change], retryForMs, giveUp);
    outcomes.push(applied.map((flags) => flags[0] === true));
  }
  return outcomes;
}

/** Waits `ms`, or less if `giveUp` is aborted meanwhile (a stopped server must not be kept alive by retries). */
function pause(ms: number, giveUp: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      giveUp?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    giveUp?.addEventListener('abort', done, { once: true });
  });
}
