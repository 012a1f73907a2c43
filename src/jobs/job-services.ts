import { err, ok, type Result } from 'neverthrow';

/** A class whose methods may run as jobs; the worker resolves an instance from the container. */
export type ServiceClass = abstract new (...args: any[]) => object;

/** Why a service could not be registered: its name is taken, or it is not a named class (a JavaScript caller's undefined import, an instance). */
export type ServiceRegistrationError =
  | { readonly kind: 'DuplicateServiceName'; readonly serviceName: string; readonly message: string }
  | { readonly kind: 'InvalidService'; readonly message: string };

/**
 * The classes whose method calls may be persisted as jobs, by a stable name
 * (the static `jobServiceName` when the class declares one, else the class
 * name). Only registered services can be dispatched: a job must never name
 * code the worker cannot find.
 */
export class JobServiceRegistry {
  private readonly byName = new Map<string, ServiceClass>();
  private readonly byClass = new Map<ServiceClass, string>();

  /** Registers a service; registering the same class again is a no-op. */
  add(service: ServiceClass): Result<string, ServiceRegistrationError> {
    // Guards callers without type checking: anything else would be stored under the name "undefined", or throw.
    if (typeof service !== 'function' || (service as { prototype?: unknown }).prototype === undefined) {
      return err({ kind: 'InvalidService', message: `A job service is a class (engine.services.add(ReportService)), not ${describeValue(service)}.` });
    }
    const name = serviceNameOf(service);
    if (name === '') return err({ kind: 'InvalidService', message: 'A job service needs a name, which its jobs store: give the anonymous class a name or a static jobServiceName.' });
    const existing = this.byName.get(name);
    if (existing === service) return ok(name);
    if (existing !== undefined) {
      return err({ kind: 'DuplicateServiceName', serviceName: name, message: `Two job services are named "${name}"; give one a static jobServiceName.` });
    }
    this.byName.set(name, service);
    this.byClass.set(service, name);
    return ok(name);
  }

  /** The stable name of a registered service, or undefined. */
  nameOf(service: ServiceClass): string | undefined {
    return this.byClass.get(service);
  }

  /** The service registered under `name`, or undefined. */
  find(name: string): ServiceClass | undefined {
    return this.byName.get(name);
  }
}

/** The stable name of a job service class: its static `jobServiceName`, else its class name. */
export function serviceNameOf(service: ServiceClass): string {
  const declared: unknown = Object.hasOwn(service, 'jobServiceName') ? (service as unknown as { jobServiceName: unknown }).jobServiceName : undefined;
  return typeof declared === 'string' && declared !== '' ? declared : service.name;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return 'an arrow function';
  return typeof value === 'object' ? 'an object (an instance? pass its class)' : `a ${typeof value}`;
}
