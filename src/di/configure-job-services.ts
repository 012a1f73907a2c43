import 'reflect-metadata';
import { err, fromThrowable, ok } from 'neverthrow';
import type { Result } from 'neverthrow';
import type { Container, ServiceIdentifier } from 'inversify';
import { Mediator, MediatorRegistry } from '../mediator/index.js';
import type {
  BehaviorLike,
  IMediator,
  NotificationHandlerClass,
  RequestClass,
  RequestHandlerClass,
} from '../mediator/index.js';
import type { MediatorJobsOptions } from '../config/options.js';
import type { JobStorage } from '../storage/job-storage.js';
import { ContainerResolver } from './container-resolver.js';
import type { JobServicesError } from './job-services-error.js';
import {
  COMPLETION_WATCHER,
  DISPATCHER_SERVICE,
  JOB_CLIENT,
  JOB_ENGINE,
  JOB_EXECUTION_SERVICE,
  JOB_MEDIATOR,
  JOB_OPTIONS,
  JOB_STORAGE,
  MEDIATOR,
  MEDIATOR_REGISTRY,
  PLAIN_MEDIATOR,
} from './tokens.js';
import { defaultOptions } from '../config/default-options.js';
import { JobEngine } from '../engine/job-engine.js';
import type { AutomaticRetryOptions } from '../filters/automatic-retry.js';
import { JobTimeouts, type JobTimeoutOptions } from '../server/job-timeouts.js';
import type { Logger } from '../logging/logger.js';
import type { ServiceClass } from '../jobs/job-services.js';
import { CompletionWatcher } from '../dispatch/completion-watcher.js';
import { DispatcherService } from '../dispatch/dispatcher-service.js';
import { JobExecutionService } from '../dispatch/job-execution-service.js';
import { JobMediator } from '../dispatch/job-mediator.js';

/** A behaviour applying to one request class only. */
export interface ScopedBehavior {
  readonly behavior: BehaviorLike<any>;
  readonly for: RequestClass;
}

/** What `configureJobServices` registers. Every field may be omitted. */
export interface JobServicesSetup {
  /** The resolved options (`loadConfiguration`), bound to `JOB_OPTIONS`. */
  readonly options?: MediatorJobsOptions;
  /** Opened storage (`openStorage`), bound to `JOB_STORAGE`; with it the job engine is bound too (`JOB_ENGINE`, `JOB_CLIENT`). */
  readonly storage?: JobStorage;
  /** Where the engine logs; default: warnings and errors to the console. */
  readonly logger?: Logger;
  /** Automatic retry settings; `false` turns retries off. */
  readonly retry?: AutomaticRetryOptions | false;
  /**
   * How long jobs may run: `{ defaultMs, byType: [[SendReport, 60_000]] }`.
   * A job past its limit has its signal aborted and fails as `TimedOut`
   * (then retried as configured). Default: no limit, as in Hangfire.
   */
  readonly timeouts?: JobTimeoutOptions;
  /** Request handler classes marked with `@handles(...)`. */
  readonly handlers?: readonly RequestHandlerClass<any>[];
  /** Notification handler classes marked with `@handlesNotification(...)`. */
  readonly notificationHandlers?: readonly NotificationHandlerClass<any>[];
  /** Behaviours in pipeline order (first = outermost), global or `{ behavior, for }`. */
  readonly behaviors?: readonly (BehaviorLike<any> | ScopedBehavior)[];
  /**
   * Job service classes whose method calls may run as jobs (the dispatcher's
   * `dispatch(Service, (s) => s.method(args))`): registered with the engine
   * and bound `toSelf()` in transient scope unless already bound, so workers
   * build them with constructor injection. Needs storage (now or earlier).
   */
  readonly services?: readonly ServiceClass[];
}

type Step = () => Result<void, JobServicesError>;

/**
 * Registers the mediator and the given handlers in an inversify container
 * (Hangfire's ConfigureHangFireServices). Binds `MEDIATOR_REGISTRY` and
 * `MEDIATOR` as singletons, `JOB_OPTIONS` as a constant, and every handler or
 * behaviour class `toSelf()` in transient scope unless it is already bound
 * (bind it first to choose another scope).
 *
 * With storage it also builds the job engine and binds `JOB_ENGINE`,
 * `JOB_CLIENT`, `JOB_MEDIATOR`, `DISPATCHER_SERVICE`, `JOB_EXECUTION_SERVICE`
 * and `COMPLETION_WATCHER`; from then on `MEDIATOR` resolves to the
 * `JOB_MEDIATOR` (send and publish as before, plus enqueue and enqueueAwait),
 * and that is what this function returns.
 *
 * Calling it again is harmless: the existing registry and mediator are reused
 * and only what is new is added. It stops at the first error; what was added
 * before it stays (adding it again later is a no-op).
 *
 * Constructor injection: tsx/esbuild emit no decorator metadata, so mark the
 * handler class `@injectable()` and each constructor parameter `@inject(Token)`.
 */
export function configureJobServices(
  container: Container,
  given: JobServicesSetup = {},
): Result<IMediator, JobServicesError> {
  // JavaScript callers pass null for "no setup"; a list that is not one would throw from the spreads below.
  const setup = given ?? {};
  const notAList = LIST_SETTINGS.find((name) => setup[name] !== undefined && setup[name] !== null && !Array.isArray(setup[name]));
  if (notAList !== undefined) return err({ kind: 'InvalidSetup', message: `${notAList} must be a list (an array), not a ${typeof setup[notAList]}.` });
  return singleton(container, MEDIATOR_REGISTRY, () => new MediatorRegistry()).andThen((registry) =>
    singleton<IMediator>(container, PLAIN_MEDIATOR, () => new Mediator(registry, new ContainerResolver(container))).andThen(
      (mediator) =>
        [
          () => bindMediator(container),
          bindOnce(container, JOB_OPTIONS, setup.options),
          bindOnce(container, JOB_STORAGE, setup.storage),
          ...registrations(container, registry, setup),
          () => bindEngine(container, registry, mediator, setup),
          ...(setup.services ?? []).map((service): Step => () => registerService(container, service)),
        ]
          .reduce((done: Result<void, JobServicesError>, step) => done.andThen(step), ok(undefined))
          .andThen(() => guard(() => container.get(MEDIATOR))),
    ),
  );
}

/**
 * `MEDIATOR` follows the engine: the job mediator once storage is configured
 * (perhaps by a later call), the plain mediator before. Both are singletons,
 * so every resolution gives the same object until the engine appears.
 */
function bindMediator(container: Container): Result<void, JobServicesError> {
  return guard(() => {
    if (container.isBound(MEDIATOR)) return;
    container
      .bind(MEDIATOR)
      .toDynamicValue((context) => context.get(JOB_MEDIATOR, { optional: true }) ?? context.get(PLAIN_MEDIATOR))
      .inTransientScope();
  });
}

/** The settings that are lists. */
const LIST_SETTINGS = ['handlers', 'notificationHandlers', 'behaviors', 'services'] as const;

/** Registers a job service with the engine and binds it for constructor injection. */
function registerService(container: Container, service: ServiceClass): Result<void, JobServicesError> {
  if (!container.isBound(JOB_ENGINE)) {
    // Read with care: a JavaScript caller's `services: [undefined]` must get this error, not a TypeError (the engine refuses it once there).
    const name = typeof service === 'function' ? service.name : typeof service;
    return err({ kind: 'EngineRequired', message: `Job service ${name} needs the job engine: pass storage to configureJobServices (in this call or an earlier one).` });
  }
  return guard(() => container.get(JOB_ENGINE))
    .andThen((engine) => engine.services.add(service))
    .andThen(() => bindTransient(container, service as new (...args: any[]) => unknown));
}

function registrations(container: Container, registry: MediatorRegistry, setup: JobServicesSetup): Step[] {
  const behaviors = (setup.behaviors ?? []).map((entry) => (isScoped(entry) ? entry : { behavior: entry, for: undefined }));
  const classes = [
    ...(setup.handlers ?? []),
    ...(setup.notificationHandlers ?? []),
    ...behaviors.map((entry) => entry.behavior),
  ].flatMap((candidate) => (isClass(candidate) ? [candidate] : []));
  return [
    ...(setup.handlers ?? []).map((handler): Step => () => registry.addHandler(handler)),
    ...(setup.notificationHandlers ?? []).map((handler): Step => () => registry.addNotificationHandler(handler)),
    ...behaviors.map((entry): Step => () => registry.addBehavior(entry.behavior, { for: entry.for })),
    ...classes.map((cls): Step => () => bindTransient(container, cls)),
  ];
}

/** With storage, builds the job engine once over this container's mediator and binds it, its client and the dispatch services. */
function bindEngine(container: Container, registry: MediatorRegistry, mediator: IMediator, setup: JobServicesSetup): Result<void, JobServicesError> {
  if (setup.storage === undefined) return ok(undefined);
  const storage = setup.storage;
  const timeouts = JobTimeouts.from(setup.timeouts);
  if (timeouts.isErr()) return err({ kind: 'InvalidSetup', message: timeouts.error });
  return singleton(container, JOB_ENGINE, () =>
    new JobEngine({
      storage,
      mediator,
      registry,
      resolver: new ContainerResolver(container),
      options: container.isBound(JOB_OPTIONS) ? container.get(JOB_OPTIONS) : defaultOptions(),
      logger: setup.logger,
      retry: setup.retry,
      timeouts: setup.timeouts,
    }),
  ).andThen((engine) =>
    singleton(container, JOB_CLIENT, () => engine.client)
      .andThen(() => singleton(container, COMPLETION_WATCHER, () => new CompletionWatcher(engine.storage, { logger: engine.logger })))
      .andThen((watcher) =>
        singleton(container, JOB_MEDIATOR, () => new JobMediator(mediator, engine, watcher))
          .andThen(() => singleton(container, DISPATCHER_SERVICE, () => new DispatcherService(engine, { watcher })))
          .andThen(() => singleton(container, JOB_EXECUTION_SERVICE, () => new JobExecutionService(engine.storage))),
      )
      .map(() => undefined),
  );
}

/** Binds `value` as a constant under `token`; a second call with the same value is a no-op, with another value an error. */
function bindOnce<T extends object>(container: Container, token: ServiceIdentifier<T>, value: T | undefined): Step {
  return () =>
    value === undefined
      ? ok(undefined)
      : singleton(container, token, () => value).andThen(
          (bound): Result<void, JobServicesError> =>
            bound === value
              ? ok(undefined)
              : err({ kind: 'OptionsAlreadyBound', message: `${String(token.toString())} is already bound to another value` }),
        );
}

/** The value bound to `token`, binding `create()` as a constant first if unbound. */
function singleton<T>(container: Container, token: ServiceIdentifier<T>, create: () => T): Result<T, JobServicesError> {
  return guard(() => {
    if (container.isBound(token)) return container.get<T>(token);
    const value = create();
    container.bind<T>(token).toConstantValue(value);
    return value;
  });
}

function bindTransient(container: Container, cls: new (...args: any[]) => unknown): Result<void, JobServicesError> {
  return guard(() => {
    if (!container.isBound(cls)) container.bind(cls).toSelf().inTransientScope();
  });
}

function guard<T>(action: () => T): Result<T, JobServicesError> {
  return fromThrowable(action, (cause): JobServicesError => ({
    kind: 'ContainerFailed',
    message: cause instanceof Error ? cause.message : String(cause),
    cause,
  }))();
}

function isScoped(entry: BehaviorLike<any> | ScopedBehavior): entry is ScopedBehavior {
  // null is an object too: a JavaScript caller's `behaviors: [null]` is then refused by addBehavior.
  return typeof entry === 'object' && entry !== null && 'behavior' in entry && 'for' in entry;
}

// A class is recognised by a `handle` method on its prototype; behaviour
// functions and instances are used as they are, not bound in the container.
function isClass(value: unknown): value is new (...args: any[]) => unknown {
  return typeof value === 'function' && typeof (value.prototype as { handle?: unknown } | undefined)?.handle === 'function';
}
