/**
 * The jobs of the fault suite, shared by the test (which enqueues them) and
 * the server processes (which run them).
 */
import { Request } from '../../../src/mediator/index.js';

/**
 * How a job behaves when it runs:
 * - `work`: takes `ms` asynchronously and succeeds;
 * - `hang`: awaits `ms`, longer than its lease; the lease is renewed meanwhile;
 * - `block`: on its first run, blocks the event loop for `ms` (no heartbeat, no
 *   lease renewal), so the lease runs out and another server takes the job;
 * - `exit`: on its first run, ends its server process (exit code {@link HANDLER_EXIT_CODE}).
 */
export type WorkKind = 'work' | 'hang' | 'block' | 'exit';

/** A job that succeeds, after behaving as `kind` says. */
export class FaultJob extends Request<string> {
  constructor(
    readonly key: string,
    readonly kind: WorkKind,
    readonly ms: number,
  ) {
    super();
  }
}

/** How a failing job fails. */
export type FailureKind = 'throw-string' | 'throw-undefined' | 'throw-object' | 'throw-symbol' | 'return-err';

/** The error value a `return-err` job returns. */
export interface FaultRefused {
  readonly kind: 'FaultRefused';
  readonly message: string;
}

/** A job that always fails, as `kind` says. */
export class FailingJob extends Request<string, FaultRefused> {
  constructor(
    readonly key: string,
    readonly kind: FailureKind,
  ) {
    super();
  }
}

/** The recurring job: fired every second, each run recorded with its tick. */
export class FaultTick extends Request<string> {}

/** The exit code of a server ended by an `exit` job (any other exit is a crash). */
export const HANDLER_EXIT_CODE = 42;

/** What the Failed state must record for each failure kind: error type and message. */
export const EXPECTED_FAILURES: Readonly<Record<FailureKind, { readonly errorType: string; readonly message: string }>> = {
  'throw-string': { errorType: 'string', message: 'thrown as a string' },
  'throw-undefined': { errorType: 'undefined', message: 'undefined' },
  'throw-object': { errorType: 'Error', message: '{"code":"E_FAULT","detail":"thrown as a plain object"}' },
  'throw-symbol': { errorType: 'symbol', message: 'Symbol(thrown as a symbol)' },
  'return-err': { errorType: 'FaultRefused', message: 'refused on purpose' },
};
