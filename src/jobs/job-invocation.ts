import { err, type Result } from 'neverthrow';
import { describeError } from '../logging/logger.js';
import { displayNameOf } from '../mediator/display-name.js';
import type { MediatorRegistry } from '../mediator/mediator-registry.js';
import { Request, type AnyRequest } from '../mediator/request.js';
import { requestTypeNameOf } from '../mediator/request-type-name.js';
import type { Invocation, JsonValue } from '../storage/job-types.js';
import { checkName } from '../storage/input-validation.js';
import { fromStorageError, type JobError } from './job-error.js';
import type { JobServiceRegistry, ServiceClass } from './job-services.js';
import { decodePayload, encodePayload } from './payload-codec.js';

/** A method call on a registered job service, as data (see the dispatcher for a typed way to build one). */
export interface MethodCall {
  readonly service: ServiceClass;
  readonly method: string;
  readonly args: readonly unknown[];
}

/** What can be run as a job: a request for the mediator, or a method call. */
export type Job = AnyRequest | MethodCall;

/** The stored form of a job, with its display name. */
export interface StoredInvocation extends Invocation {
  readonly displayName: string;
}

/** A job restored from storage, ready to run. */
export type RunnableJob =
  | { readonly kind: 'request'; readonly request: AnyRequest }
  | { readonly kind: 'method'; readonly service: ServiceClass; readonly method: string; readonly args: unknown[] };

/** The registries a job's type is looked up in. */
export interface JobCatalog {
  readonly requests: MediatorRegistry;
  readonly services: JobServiceRegistry;
}

/**
 * Encodes a job for storage. Refuses, before anything is stored, a request
 * type without a handler, an unregistered service, a method the service does
 * not have, and a payload that cannot be stored.
 */
export function toStoredInvocation(job: Job, catalog: JobCatalog): Result<StoredInvocation, JobError> {
  try {
    return storedInvocation(job, catalog);
  } catch (error) {
    // The codec guards the fields; what reads the job itself (its class, its toString) is guarded here.
    return err({ kind: 'Unserializable', path: 'job', message: `job cannot be stored: reading it failed: ${describeError(error)}` });
  }
}

function storedInvocation(job: Job, catalog: JobCatalog): Result<StoredInvocation, JobError> {
  if (job instanceof Request) {
    const typeName = requestTypeNameOf(job);
    if (catalog.requests.findRequestClass(typeName) !== job.constructor) {
      return err({ kind: 'UnknownRequestType', typeName, message: `Request type ${typeName} has no registered handler, so no worker could run it; register a handler for it first.` });
    }
    return storableTypeName(typeName).andThen(() => encodePayload(job, typeName)).map((payload) => ({ typeName, payload, displayName: displayNameOf(job) }));
  }
  if (!isMethodCall(job)) {
    return err({ kind: 'InvalidOptions', message: 'A job is a Request instance or a method call { service, method, args }.' });
  }
  const serviceName = catalog.services.nameOf(job.service);
  if (serviceName === undefined) {
    return err({ kind: 'UnknownService', serviceName: job.service.name, message: `${job.service.name} is not registered as a job service; register it so workers can resolve it.` });
  }
  if (typeof (job.service.prototype as Record<string, unknown>)[job.method] !== 'function') {
    return err({ kind: 'UnknownService', serviceName, message: `${serviceName} has no method ${job.method}.` });
  }
  return storableTypeName(serviceName).andThen(() => encodePayload([...job.args], `${serviceName}.${job.method} arguments`)).map((payload) => ({
    typeName: serviceName,
    methodName: job.method,
    payload,
    displayName: `${serviceName}.${job.method}`,
  }));
}

/**
 * Restores a stored job. A type that is no longer registered, or a payload
 * that no longer fits (a request that is not an object, arguments that are
 * not a list, a damaged value), is an error naming the type, for the worker
 * to fail that job and go on.
 */
export function fromStoredInvocation(invocation: Invocation, catalog: JobCatalog): Result<RunnableJob, JobError> {
  if (invocation.methodName === undefined) {
    const requestClass = catalog.requests.findRequestClass(invocation.typeName);
    if (requestClass === undefined) {
      return err({ kind: 'UnknownRequestType', typeName: invocation.typeName, message: `Request type ${invocation.typeName} is not registered in this process (renamed or removed?).` });
    }
    if (!isPlainObject(invocation.payload)) {
      return err({ kind: 'Unserializable', path: invocation.typeName, message: `Stored payload of ${invocation.typeName} is not an object.` });
    }
    return decodePayload(invocation.payload, invocation.typeName).map((fields) => ({
      kind: 'request' as const,
      // Restored without running the constructor, as JSON deserialisers do: the
      // fields are the request's state, the prototype gives it its methods.
      request: withOwnFields(Object.create(requestClass.prototype as object) as AnyRequest, fields as Record<string, unknown>),
    }));
  }
  const service = catalog.services.find(invocation.typeName);
  if (service === undefined) {
    return err({ kind: 'UnknownService', serviceName: invocation.typeName, message: `Job service ${invocation.typeName} is not registered in this process (renamed or removed?).` });
  }
  const method = invocation.methodName;
  if (typeof (service.prototype as Record<string, unknown>)[method] !== 'function') {
    return err({ kind: 'UnknownService', serviceName: invocation.typeName, message: `Job service ${invocation.typeName} has no method ${method} any more.` });
  }
  if (!Array.isArray(invocation.payload)) {
    return err({ kind: 'Unserializable', path: `${invocation.typeName}.${method}`, message: `Stored arguments of ${invocation.typeName}.${method} are not a list.` });
  }
  return decodePayload(invocation.payload, `${invocation.typeName}.${method} arguments`).map((args) => ({ kind: 'method' as const, service, method, args: args as unknown[] }));
}

/** A type name storage can hold (a static requestTypeName or jobServiceName is the user's text): checked before the payload. */
function storableTypeName(typeName: string): Result<string, JobError> {
  return checkName(typeName, 'Type name', 'creating a job').mapErr(fromStorageError);
}

/**
 * Copies fields as own data properties. Not Object.assign: it assigns, so a
 * stored field named `__proto__` would replace the request's prototype (and
 * with it the class the handler was registered for).
 */
function withOwnFields<T extends object>(target: T, fields: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(fields)) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

function isMethodCall(job: unknown): job is MethodCall {
  if (typeof job !== 'object' || job === null) return false;
  const candidate = job as Partial<MethodCall>;
  return typeof candidate.service === 'function' && typeof candidate.method === 'string' && Array.isArray(candidate.args);
}

function isPlainObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
