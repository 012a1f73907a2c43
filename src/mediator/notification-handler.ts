import type { HandlerResult } from './handler-result.js';
import type { NotificationContext } from './handler-context.js';
import type { Notification } from './notification.js';

/**
 * Handles one notification type; any number may be registered per type.
 * A throw, a rejection or a returned Err counts as this handler's failure and
 * is listed in `PublishFailed` without stopping the other handlers.
 */
export interface NotificationHandler<N extends Notification> {
  /** Reacts to `notification`. */
  handle(notification: N, context: NotificationContext): HandlerResult<void, unknown>;
}

/** A notification handler class, resolved from the `ServiceResolver` per publish. */
export type NotificationHandlerClass<N extends Notification = Notification> = new (
  ...args: any[]
) => NotificationHandler<N>;
