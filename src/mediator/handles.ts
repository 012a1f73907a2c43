import type { Notification, NotificationClass } from './notification.js';
import type { NotificationHandlerClass } from './notification-handler.js';
import type { AnyRequest, RequestClass } from './request.js';
import type { RequestHandlerClass } from './request-handler.js';

// Symbol keys keep the metadata off the class's public surface; the values
// live on the decorated class itself, so nothing is registered globally.
const handledRequests: unique symbol = Symbol('mediator-jobs.handles');
const handledNotifications: unique symbol = Symbol('mediator-jobs.handlesNotification');

/**
 * Marks a class as the handler of `requestClass`; `MediatorRegistry.addHandler`
 * reads the mark. Registers nothing by itself. Works with TypeScript's legacy
 * `experimentalDecorators` and with standard (TC39) decorators.
 *
 * @example
 * ```ts
 * @handles(GetUser)
 * class GetUserHandler implements RequestHandler<GetUser> { ... }
 * ```
 */
export function handles<R extends AnyRequest>(
  requestClass: RequestClass<R>,
): (target: RequestHandlerClass<R>, context?: ClassDecoratorContext) => void {
  return (target) => append(target, handledRequests, requestClass);
}

/**
 * Marks a class as a handler of `notificationClass`; read by
 * `MediatorRegistry.addNotificationHandler`. May be applied several times to
 * handle several notification types.
 */
export function handlesNotification<N extends Notification>(
  notificationClass: NotificationClass<N>,
): (target: NotificationHandlerClass<N>, context?: ClassDecoratorContext) => void {
  return (target) => append(target, handledNotifications, notificationClass);
}

/** The request classes a class's own `@handles` marks name (empty if none). */
export function handledRequestsOf(handlerClass: object): readonly RequestClass[] {
  return read(handlerClass, handledRequests) as readonly RequestClass[];
}

/** The notification classes a class's own `@handlesNotification` marks name. */
export function handledNotificationsOf(handlerClass: object): readonly NotificationClass[] {
  return read(handlerClass, handledNotifications) as readonly NotificationClass[];
}

function append(target: object, key: symbol, handled: unknown): void {
  Object.defineProperty(target, key, {
    value: Object.freeze([...read(target, key), handled]),
    enumerable: false,
    configurable: true,
    writable: false,
  });
}

// Own property only: a subclass of a decorated handler must be decorated
// itself rather than silently claiming its parent's request types.
function read(target: object, key: symbol): readonly unknown[] {
  const value: unknown = Object.hasOwn(target, key) ? (target as Record<symbol, unknown>)[key] : undefined;
  return Array.isArray(value) ? (value as readonly unknown[]) : [];
}
