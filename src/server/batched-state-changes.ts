import { err, ok, type Result } from 'neverthrow';
import type { ApplyChanges } from '../states/state-machine.js';
import type { JobStorage } from '../storage/job-storage.js';
import type { StateChange } from '../storage/state-change.js';
import { refusedByDatabase, type StorageError } from '../storage/storage-error.js';
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
 * Once `giveUp` is aborted (the server's workers have stopped), a write that
 * still fails is given up: its jobs run again when their leases expire.
 */
export function batchedStateChanges(storage: JobStorage, retryForMs = 0, giveUp?: AbortSignal): ApplyChanges {
  const coalescer = new Coalescer<StateChange, Result<boolean, StorageError>>(async (changes) => {
    const applied = await writeWithRetry(storage, changes, retryForMs, giveUp);
    return applied.match(
      (flags) => flags.map((flag) => ok(flag)),
      (error) => changes.map(() => err(error)),
    );
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
  const fenced = changes.every((change) => change.lease !== undefined);
  const giveUpAt = Date.now() + retryForMs;
  let delay = FIRST_RETRY_DELAY_MS;
  for (;;) {
    const applied = await storage.changeStates(changes);
    if (applied.isOk() || !fenced || !connectionLost(applied.error) || Date.now() + delay > giveUpAt || giveUp?.aborted === true) return applied;
    await pause(delay, giveUp);
    delay = Math.min(delay * 2, 1_000);
  }
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

/**
 * The connection went away (no answer, a connection exception, or the server
 * shutting down or terminating the backend): worth writing again. Any other
 * refusal would only be refused again.
 */
function connectionLost(error: StorageError): boolean {
  if (error.kind !== 'DatabaseError') return false;
  if (!refusedByDatabase(error)) return true;
  return error.code?.startsWith('08') === true || /^57P0[1-3]$/.test(error.code ?? '');
}
