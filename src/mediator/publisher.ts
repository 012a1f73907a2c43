import type { ResultAsync } from 'neverthrow';
import type { PublishError } from './mediator-error.js';
import type { Notification } from './notification.js';

/** Options of `IPublisher.publish`. */
export interface PublishOptions {
  /** Run all handlers concurrently instead of one after another (default `false`). */
  readonly parallel?: boolean;
  /** Already aborted: no handler runs. Handlers see it via `context.signal`. */
  readonly signal?: AbortSignal;
}

/** Publishes a notification to all of its handlers. */
export interface IPublisher {
  /**
   * Runs every handler of the notification's type (zero handlers is fine),
   * sequentially in registration order unless `parallel`. Every handler runs
   * even when others fail; `PublishFailed` then lists each failing handler.
   */
  publish(notification: Notification, options?: PublishOptions): ResultAsync<void, PublishError>;
}
