import type { Container } from 'inversify';
import type { ServiceResolver } from '../mediator/index.js';

/**
 * Adapts an inversify container to the mediator's `ServiceResolver`.
 * `autobind` lets a handler class added straight to the registry (without
 * `configureJobServices`) be built too; explicit bindings still win.
 * `container.get` throws when it cannot build the class; the mediator wraps that.
 */
export class ContainerResolver implements ServiceResolver {
  readonly #container: Container;

  /** Resolves from `container`. */
  constructor(container: Container) {
    this.#container = container;
  }

  /** {@inheritDoc ServiceResolver.resolve} */
  resolve<T>(cls: abstract new (...args: any[]) => T): T {
    return this.#container.get<T>(cls, { autobind: true });
  }
}
