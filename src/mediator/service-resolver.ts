/**
 * The mediator's only view of a dependency-injection container: build an
 * instance of a class. Kept this small so the mediator does not depend on
 * inversify (see `src/di` for the adapter). `resolve` may throw; the mediator
 * turns that into a `HandlerResolutionFailed` or `BehaviorResolutionFailed` error.
 */
export interface ServiceResolver {
  /** Returns an instance of `cls`, built with its dependencies. */
  resolve<T>(cls: abstract new (...args: any[]) => T): T;
}

/**
 * A resolver without a container: `new cls()`. Enough for handlers whose
 * constructors take no arguments.
 */
export const constructingResolver: ServiceResolver = Object.freeze({
  resolve<T>(cls: abstract new (...args: any[]) => T): T {
    return new (cls as new () => T)();
  },
});
