import { ResultAsync, err, errAsync, ok } from 'neverthrow';
import type { Result } from 'neverthrow';
import { describeError } from '../logging/logger.js';
import { classNameOf } from '../logging/read-safely.js';
import type { HandlerContext, JobRunInfo, NotificationContext } from './handler-context.js';
import type { LazyAbortController } from './lazy-abort-controller.js';
import type { HandlerResult } from './handler-result.js';
import type { IMediator } from './mediator-interface.js';
import type { MediatorError, PublishError } from './mediator-error.js';
import type { MediatorRegistry } from './mediator-registry.js';
import { Notification, notificationTypeNameOf } from './notification.js';
import type { Next } from './pipeline-behavior.js';
import { resolveProvider } from './provider.js';
import type { PublishOptions } from './publisher.js';
import { Request } from './request.js';
import type { AnyRequest, ErrorOf, RequestClass, ResponseOf } from './request.js';
import { requestTypeNameOf } from './request-type-name.js';
import { runNotificationHandlers } from './run-notification-handlers.js';
import { runPipeline } from './run-pipeline.js';
import type { ResolvedBehavior } from './run-pipeline.js';
import type { SendOptions } from './send-options.js';
import type { ServiceResolver } from './service-resolver.js';
import { toResultAsync } from './to-result-async.js';

/**
 * The mediator: sends requests through the behaviour pipeline to their
 * handler and publishes notifications. Handlers and behaviour classes are
 * resolved from `resolver` on every call (never cached), so transient and
 * scoped container bindings behave as configured.
 *
 * The background worker runs jobs through this same `send`, passing
 * `{ signal, job }`: one pipeline for direct and background execution.
 */
export class Mediator implements IMediator {
  readonly #registry: MediatorRegistry;
  readonly #resolver: ServiceResolver;

  /** Dispatches to what `registry` holds, building instances with `resolver`. */
  constructor(registry: MediatorRegistry, resolver: ServiceResolver) {
    this.#registry = registry;
    this.#resolver = resolver;
  }

  /** {@inheritDoc ISender.send} */
  send<R extends AnyRequest>(request: R, options: SendOptions = {}): ResultAsync<ResponseOf<R>, MediatorError | ErrorOf<R>> {
    try {
      return this.#dispatch(request, options ?? {}) as ResultAsync<ResponseOf<R>, MediatorError | ErrorOf<R>>;
    } catch (error) {
      // Only reading the request runs outside the pipeline's own guards: a proxy whose traps throw.
      return errAsync({ kind: 'InvalidRequest', message: `the request cannot be read: ${describeError(error)}` });
    }
  }

  /** {@inheritDoc IPublisher.publish} */
  publish(notification: Notification, given: PublishOptions = {}): ResultAsync<void, PublishError> {
    try {
      return this.#publish(notification, given ?? {});
    } catch (error) {
      // As in send: a notification whose reading throws (a proxy's traps) is the caller's bad value.
      return errAsync({ kind: 'InvalidNotification', message: `the notification cannot be read: ${describeError(error)}` });
    }
  }

  #publish(notification: Notification, options: PublishOptions): ResultAsync<void, PublishError> {
    if (!(notification instanceof Notification)) {
      return errAsync({ kind: 'InvalidNotification', message: `${describe(notification)} is not a Notification instance` });
    }
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) return errAsync({ kind: 'InvalidNotification', message: notASignal(options.signal) });
    const notificationType = notificationTypeNameOf(notification);
    if (options.signal?.aborted === true) return errAsync({ kind: 'Aborted', notificationType });
    const context: NotificationContext = { signal: options.signal ?? neverAborted(), notificationType };
    const providers = this.#registry.notificationHandlersFor(notification.constructor as typeof Notification);
    // runNotificationHandlers wraps every handler step, so its promise cannot reject.
    return ResultAsync.fromSafePromise(
      runNotificationHandlers(notification, context, providers, this.#resolver, options.parallel === true),
    ).andThen((failures) =>
      failures.length === 0 ? ok(undefined) : err<void, PublishError>({ kind: 'PublishFailed', notificationType, failures }),
    );
  }

  #dispatch(request: unknown, options: SendOptions): ResultAsync<unknown, unknown> {
    if (!(request instanceof Request)) {
      return errAsync<unknown, MediatorError>({ kind: 'InvalidRequest', message: `${describe(request)} is not a Request instance` });
    }
    // Read once, here: a getter that throws is the caller's bad options, said so, not a bad request or a failure mid-pipeline.
    let given: AbortSignal | undefined, lazySignal: LazyAbortController | undefined, job: JobRunInfo | undefined;
    try {
      ({ signal: given, lazySignal, job } = options);
    } catch (error) {
      return errAsync<unknown, MediatorError>({ kind: 'InvalidRequest', message: `the send options cannot be read: ${describeError(error)}` });
    }
    // A JavaScript caller's AbortController in the signal's place would never abort the handler, and fail it when it listens.
    if (given !== undefined && !(given instanceof AbortSignal)) return errAsync<unknown, MediatorError>({ kind: 'InvalidRequest', message: notASignal(given) });
    const requestClass = request.constructor as RequestClass;
    const requestType = requestTypeNameOf(requestClass);
    // Read without making a signal: most handlers never ask for theirs (see LazyAbortController).
    const aborted = (): boolean => (lazySignal !== undefined ? lazySignal.aborted : given?.aborted === true);
    if (aborted()) return errAsync<unknown, MediatorError>({ kind: 'Aborted', requestType });
    const handler = this.#registry.handlerFor(requestClass);
    if (handler === undefined) return errAsync<unknown, MediatorError>({ kind: 'NoHandler', requestType });
    let signal: AbortSignal | undefined;
    const signalOf = (): AbortSignal => (signal ??= lazySignal !== undefined ? lazySignal.signal : (given ?? neverAborted()));
    // No object spread on this path: it runs for every request and every job, and spreads are slow.
    // The signal is an own enumerable getter, so a behaviour that spreads the context still passes it on.
    const context: HandlerContext =
      job === undefined
        ? { requestType, get signal() { return signalOf(); } }
        : { requestType, job, get signal() { return signalOf(); } };
    // The handler is resolved lazily, at the bottom of the pipeline, so a
    // short-circuiting behaviour (a cache, a validator) never builds it.
    const callHandler: Next = () => {
      if (aborted()) return errAsync<unknown, MediatorError>({ kind: 'Aborted', requestType });
      const instance = resolveProvider(handler, this.#resolver);
      if (instance.isErr()) return errAsync<unknown, MediatorError>({ kind: 'HandlerResolutionFailed', requestType, cause: instance.error });
      return toResultAsync(
        (): HandlerResult<unknown, unknown> => instance.value.handle(request, context),
        (cause): MediatorError => ({ kind: 'HandlerFailed', requestType, cause }),
      );
    };
    // Plain branches rather than Result combinators: this runs for every request and job.
    const behaviors = this.#resolveBehaviors(requestClass, requestType);
    if (behaviors.isErr()) return errAsync(behaviors.error);
    return runPipeline(request as AnyRequest, context, behaviors.value, callHandler);
  }

  // Behaviours are resolved up front so a misconfigured container fails the
  // send before any behaviour has had side effects.
  #resolveBehaviors(requestClass: RequestClass, requestType: string): Result<ResolvedBehavior[], MediatorError> {
    const resolved: ResolvedBehavior[] = [];
    for (const provider of this.#registry.behaviorsFor(requestClass)) {
      const failure = resolveProvider(provider, this.#resolver).match(
        (behavior) => {
          resolved.push({ name: provider.name, behavior });
          return undefined;
        },
        (cause): MediatorError => ({ kind: 'BehaviorResolutionFailed', requestType, behavior: provider.name, cause }),
      );
      if (failure !== undefined) return err(failure);
    }
    return ok(resolved);
  }
}

// A fresh signal per call that asks for one: nothing aborts it, and no state is shared.
function neverAborted(): AbortSignal {
  return new AbortController().signal;
}

function notASignal(value: unknown): string {
  const hint = value instanceof AbortController ? ': pass controller.signal, not the controller' : '';
  return `signal must be an AbortSignal, not ${describe(value)}${hint}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  // classNameOf reads the caller's object without running a getter that throws.
  if (typeof value === 'object') return `an object of class ${classNameOf(value) ?? 'Object'}`;
  return typeof value;
}
