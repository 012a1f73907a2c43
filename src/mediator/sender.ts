import type { ResultAsync } from 'neverthrow';
import type { MediatorError } from './mediator-error.js';
import type { AnyRequest, ErrorOf, ResponseOf } from './request.js';
import type { SendOptions } from './send-options.js';

/** Sends a request to its single handler through the behaviour pipeline. */
export interface ISender {
  /**
   * Runs `request` through the behaviours and its handler. Never throws and
   * the ResultAsync never rejects: the Ok value is the handler's response; the
   * Err is the handler's own error (unchanged) or a {@link MediatorError}.
   */
  send<R extends AnyRequest>(request: R, options?: SendOptions): ResultAsync<ResponseOf<R>, MediatorError | ErrorOf<R>>;
}
