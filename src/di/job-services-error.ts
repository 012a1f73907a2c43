import type { ServiceRegistrationError } from '../jobs/job-services.js';
import type { RegistrationError } from '../mediator/index.js';

/**
 * Why `configureJobServices` or `registerProcessorAsServer` failed: a
 * refused registration (see `RegistrationError`), or
 *
 * - `ContainerFailed`: inversify threw while binding or resolving.
 * - `OptionsAlreadyBound`: a second call passed a different options object,
 *   or a second `registerProcessorAsServer` call overrides that come to other
 *   server options; the first binding is kept (never silently replaced).
 * - `DuplicateServiceName`: two job services share a name (give one a static `jobServiceName`).
 * - `InvalidService`: a job service that is not a named class.
 * - `EngineRequired`: job `services` were given, but no storage (now or in an earlier call).
 */
export type JobServicesError =
  | RegistrationError
  | { readonly kind: 'ContainerFailed'; readonly message: string; readonly cause: unknown }
  | { readonly kind: 'OptionsAlreadyBound'; readonly message: string }
  | ServiceRegistrationError
  | { readonly kind: 'EngineRequired'; readonly message: string }
  /** A setting of the engine makes no sense (a timeout of -1 ms...), or a server's overrides cannot be read. */
  | { readonly kind: 'InvalidSetup'; readonly message: string };
