import type { ResultAsync } from 'neverthrow';
import { describeError, type Logger } from '../logging/logger.js';

/**
 * One of the server's background duties (Hangfire's "processes"): the
 * delayed-job scheduler, the recurring scheduler, heartbeat, watchdog,
 * expiration. Each runs ONE iteration and says when it wants to run next; the
 * loop below repeats it until the server stops.
 */
export interface ServerProcess {
  /** For logs. */
  readonly name: string;
  /**
   * Does one iteration. Resolves with the delay before the next one in ms
   * (0 = at once, e.g. a full batch suggests more work). An error value is
   * logged and the iteration retried after `retryDelayMs`.
   */
  runOnce(signal: AbortSignal): ResultAsync<number, { readonly message: string }>;
}

/** Handle to a running loop. */
export interface RunningProcess {
  /** Runs the next iteration now instead of waiting out the delay (a notification arrived). */
  wake(): void;
  /** Resolves when the loop has finished its current iteration and stopped. */
  readonly stopped: Promise<void>;
}

/**
 * Runs `process` until `signal` aborts. Errors, rejected promises and even a
 * throwing `runOnce` are logged and retried after `retryDelayMs`: a failing
 * duty never stops the server, and never spins.
 */
export function runProcessLoop(process: ServerProcess, signal: AbortSignal, logger: Logger, retryDelayMs: number): RunningProcess {
  let wakeUp: (() => void) | undefined;
  let wokenEarly = false;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (wokenEarly || signal.aborted) {
        wokenEarly = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      const onAbort = () => done();
      signal.addEventListener('abort', onAbort, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  const loop = async () => {
    while (!signal.aborted) {
      let delay: number;
      try {
        const outcome = await process.runOnce(signal);
        delay = outcome.match(
          (next) => next,
          (error) => {
            if (!signal.aborted) logger.error(`${process.name} failed; retrying in ${retryDelayMs} ms: ${error.message}`);
            return retryDelayMs;
          },
        );
      } catch (error) {
        // runOnce should return errors as values; a throw is a bug, but it must not end the loop.
        logger.error(`${process.name} threw; retrying in ${retryDelayMs} ms: ${describeError(error)}`, { error });
        delay = retryDelayMs;
      }
      if (delay > 0 || wokenEarly) await sleep(delay);
      // "At once" still lets the event loop turn: a storage that answers without waiting on I/O (PGlite)
      // would otherwise starve every timer and callback of the process.
      else await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return {
    wake() {
      if (wakeUp !== undefined) wakeUp();
      else wokenEarly = true;
    },
    stopped: loop(),
  };
}
