import type { JobRunInfo } from './handler-context.js';
import type { LazyAbortController } from './lazy-abort-controller.js';

/** Options of `ISender.send`. */
export interface SendOptions {
  /**
   * Cancels the request. Already aborted: the handler does not run and `send`
   * returns `Aborted`. Aborted later: the handler sees it via `context.signal`.
   */
  readonly signal?: AbortSignal;
  /**
   * Set by the background worker when it runs a persisted job, so handlers and
   * behaviours see `context.job`. Direct callers leave it out.
   */
  readonly job?: JobRunInfo;
  /**
   * Set by the background worker instead of `signal`: the job's signal, made
   * only if a handler or behaviour reads `context.signal`.
   * @internal
   */
  readonly lazySignal?: LazyAbortController;
}
