/**
 * The stand-in for a job's AbortSignal among a method call's arguments, as
 * Hangfire's `JobCancellationToken.Null` is for its token:
 * `dispatcher.dispatch(Mailer, (m) => m.send(to, jobSignal))`. It is stored
 * as a tag, and the worker calls the method with the job's own signal in its
 * place, aborted when the job times out, is deleted, or its server stops. A
 * request's handler needs none: its context has the signal.
 *
 * Outside a job (the method called directly) it is a signal that never
 * aborts.
 */
export const jobSignal: AbortSignal = new AbortController().signal;

/** The arguments a method is called with: each top-level `jobSignal` replaced by the running job's signal (the same list when there is none). */
export function withJobSignal(args: unknown[], signal: () => AbortSignal): unknown[] {
  return args.includes(jobSignal) ? args.map((arg) => (arg === jobSignal ? signal() : arg)) : args;
}
