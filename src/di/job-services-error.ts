import type { RegistrationError } from '../mediator/index.js';

/**
 * Why `configureJobServices` failed: a refused registration (see
 * `RegistrationError`), or
 *
 * - `ContainerFailed`: inversify threw while binding or resolving.
 * - `OptionsAlreadyBound`: a second call passed a different options object;
 *   the first binding is kept (never silently replaced).
 */
export type JobServicesError =
  | RegistrationError
  | { readonly kind: 'ContainerFailed'; readonly message: string; readonly cause: unknown }
  | { readonly kind: 'OptionsAlreadyBound'; readonly message: string };
