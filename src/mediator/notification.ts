import { ownTypeName } from './request-type-name.js';

/**
 * Base class of every notification published through the mediator. A
 * notification has zero or more handlers and no response.
 */
export abstract class Notification {
  // A nominal marker: without a member, any object would be structurally a
  // Notification and `publish({})` would type-check.
  declare private readonly notificationBrand: void;
}

/**
 * A notification class. It may define `static notificationTypeName` for a name
 * that survives renames (see `notificationTypeNameOf`).
 */
export type NotificationClass<N extends Notification = Notification> = abstract new (...args: any[]) => N;

/**
 * The stable type name of a notification (instance or class): its own
 * `static notificationTypeName` when defined, else the class name.
 */
export function notificationTypeNameOf(notificationOrClass: Notification | NotificationClass): string {
  const cls = notificationOrClass instanceof Notification ? notificationOrClass.constructor : notificationOrClass;
  return ownTypeName(cls, 'notificationTypeName');
}
