import { err, ok } from 'neverthrow';
import type { Result } from 'neverthrow';
import { handledNotificationsOf, handledRequestsOf } from './handles.js';
import { Notification } from './notification.js';
import type { NotificationClass } from './notification.js';
import type { NotificationHandler, NotificationHandlerClass } from './notification-handler.js';
import type { BehaviorLike, PipelineBehavior } from './pipeline-behavior.js';
import { providerOf } from './provider.js';
import { isSubclassOf, missingDecorator, notAHandler, notSubclass } from './registration-checks.js';
import type { Provider } from './provider.js';
import { Request } from './request.js';
import type { AnyRequest, RequestClass } from './request.js';
import type { RequestHandler, RequestHandlerClass } from './request-handler.js';
import { requestTypeNameOf } from './request-type-name.js';
import type { RegistrationError } from './registration-error.js';
import { TypeNameIndex } from './type-name-index.js';

/** Options of `MediatorRegistry.addBehavior`. */
export interface BehaviorOptions<R extends AnyRequest = AnyRequest> {
  /** Apply only to this request class; omitted: apply to every request. */
  readonly for?: RequestClass<R>;
}

interface BehaviorEntry {
  readonly provider: Provider<PipelineBehavior>;
  readonly for: RequestClass | undefined;
}

/**
 * What the mediator dispatches to: handlers, notification handlers and
 * behaviours. Create one per application or container (no global registry).
 * Every `add*` method either registers everything it was given or nothing, and
 * re-adding the same thing is a harmless no-op.
 */
export class MediatorRegistry {
  readonly #names = new TypeNameIndex();
  readonly #handlers = new Map<RequestClass, Provider<RequestHandler<AnyRequest>>>();
  readonly #notificationHandlers = new Map<NotificationClass, Provider<NotificationHandler<Notification>>[]>();
  readonly #behaviors: BehaviorEntry[] = [];

  /**
   * Registers a handler: either a class marked with `@handles(...)`, or an
   * explicit request class plus a handler class (resolved per call) or instance.
   * Errors: `DuplicateHandler` (another handler already handles the type),
   * `DuplicateRequestTypeName`, `MissingHandlesDecorator`, `InvalidRegistration`.
   */
  addHandler(handlerClass: RequestHandlerClass): Result<void, RegistrationError>;
  addHandler<R extends AnyRequest>(
    requestClass: RequestClass<R>,
    handler: RequestHandlerClass<R> | RequestHandler<R>,
  ): Result<void, RegistrationError>;
  addHandler(first: unknown, handler?: unknown): Result<void, RegistrationError> {
    const explicit = handler !== undefined;
    const provider = providerOf<RequestHandler<AnyRequest>>(explicit ? handler : first, 'handler');
    if (provider === undefined) return err(notAHandler(explicit ? handler : first));
    const requestClasses = explicit ? [first] : handledRequestsOf(first as object);
    if (requestClasses.length === 0) return err(missingDecorator(provider.name, '@handles'));
    for (const requestClass of requestClasses) {
      const refused = this.#checkRequest(requestClass, provider);
      if (refused !== undefined) return err(refused);
    }
    const clash = this.#names.checkTogether(requestClasses);
    if (clash !== undefined) return err(clash);
    for (const requestClass of requestClasses as RequestClass[]) {
      this.#names.add(requestClass);
      this.#handlers.set(requestClass, provider);
    }
    return ok(undefined);
  }

  /**
   * Registers a notification handler: a class marked `@handlesNotification(...)`,
   * or a notification class plus a handler class or instance. Any number of
   * handlers per type; they run in registration order.
   */
  addNotificationHandler(handlerClass: NotificationHandlerClass): Result<void, RegistrationError>;
  addNotificationHandler<N extends Notification>(
    notificationClass: NotificationClass<N>,
    handler: NotificationHandlerClass<N> | NotificationHandler<N>,
  ): Result<void, RegistrationError>;
  addNotificationHandler(first: unknown, handler?: unknown): Result<void, RegistrationError> {
    const explicit = handler !== undefined;
    const provider = providerOf<NotificationHandler<Notification>>(explicit ? handler : first, 'handler');
    if (provider === undefined) return err(notAHandler(explicit ? handler : first));
    const classes = explicit ? [first] : handledNotificationsOf(first as object);
    if (classes.length === 0) return err(missingDecorator(provider.name, '@handlesNotification'));
    for (const notificationClass of classes) {
      const refused = notSubclass(notificationClass, Notification) ?? this.#names.check(notificationClass);
      if (refused !== undefined) return err(refused);
    }
    const clash = this.#names.checkTogether(classes);
    if (clash !== undefined) return err(clash);
    for (const notificationClass of classes as NotificationClass[]) {
      this.#names.add(notificationClass);
      const list = this.#notificationHandlers.get(notificationClass) ?? [];
      if (!list.some((existing) => existing.source === provider.source)) list.push(provider);
      this.#notificationHandlers.set(notificationClass, list);
    }
    return ok(undefined);
  }

  /**
   * Adds a pipeline behaviour, globally or `for` one request class. All
   * behaviours form one list in registration order; the first registered that
   * applies to a request is the outermost. Error: `InvalidRegistration`.
   */
  addBehavior<R extends AnyRequest = AnyRequest>(
    behavior: BehaviorLike<R>,
    options: BehaviorOptions<R> = {},
  ): Result<void, RegistrationError> {
    const provider = providerOf<PipelineBehavior>(behavior, 'behavior');
    if (provider === undefined) return err(notAHandler(behavior));
    // JavaScript callers pass null for "no options".
    const scope = (options ?? {}).for as RequestClass | undefined;
    const invalidScope = scope === undefined ? undefined : notSubclass(scope, Request);
    if (invalidScope !== undefined) return err(invalidScope);
    if (!this.#behaviors.some((entry) => entry.provider.source === behavior && entry.for === scope)) {
      this.#behaviors.push({ provider, for: scope });
    }
    return ok(undefined);
  }

  /** The request class registered under a stable type name (for the job worker). */
  findRequestClass(typeName: string): RequestClass | undefined {
    const found = this.#names.find(typeName);
    return isSubclassOf(found, Request) ? (found as RequestClass) : undefined;
  }

  /** The notification class registered under a stable type name. */
  findNotificationClass(typeName: string): NotificationClass | undefined {
    const found = this.#names.find(typeName);
    return isSubclassOf(found, Notification) ? (found as NotificationClass) : undefined;
  }

  /** Stable type names of every request type with a handler, in registration order. */
  requestTypes(): string[] {
    return this.#names.names().filter((name) => this.findRequestClass(name) !== undefined);
  }

  /** The handler of exactly this request class. @internal */
  handlerFor(requestClass: RequestClass): Provider<RequestHandler<AnyRequest>> | undefined {
    return this.#handlers.get(requestClass);
  }

  /** The handlers of exactly this notification class, in registration order. @internal */
  notificationHandlersFor(notificationClass: NotificationClass): readonly Provider<NotificationHandler<Notification>>[] {
    return [...(this.#notificationHandlers.get(notificationClass) ?? [])];
  }

  /** The behaviours applying to this request class, outermost first. @internal */
  behaviorsFor(requestClass: RequestClass): readonly Provider<PipelineBehavior>[] {
    return this.#behaviors
      .filter((entry) => entry.for === undefined || entry.for === requestClass)
      .map((entry) => entry.provider);
  }

  #checkRequest(requestClass: unknown, provider: Provider<unknown>): RegistrationError | undefined {
    const refused = notSubclass(requestClass, Request) ?? this.#names.check(requestClass);
    if (refused !== undefined) return refused;
    const existing = this.#handlers.get(requestClass as RequestClass);
    if (existing === undefined || existing.source === provider.source) return undefined;
    const requestType = requestTypeNameOf(requestClass as RequestClass);
    return {
      kind: 'DuplicateHandler',
      requestType,
      existing: existing.name,
      attempted: provider.name,
      message: `${requestType} is already handled by ${existing.name}; refusing ${provider.name} as a second handler for it (a request type has one handler)`,
    };
  }
}
