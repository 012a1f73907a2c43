import { err, ok, type Result } from 'neverthrow';
import type { JobError } from '../jobs/job-error.js';
import type { MethodCall } from '../jobs/job-invocation.js';
import type { JobServiceRegistry } from '../jobs/job-services.js';
import { encodePayload } from '../jobs/payload-codec.js';
import { describeError } from '../logging/logger.js';

/** A job service class whose instances are `S`. */
export type ServiceType<S extends object> = abstract new (...args: any[]) => S;

/** Records one method call on a service instance: `(s) => s.send(13, 'Hello')`. */
export type MethodCallRecorder<S extends object, T = unknown> = (service: S) => T;

/**
 * Captures `call` as a {@link MethodCall} by running it against a recording
 * stand-in for the service (a Proxy), never a real instance: nothing of the
 * service runs here. The function must make exactly one call of one of the
 * service's own methods (declared on its class or a base class), with
 * arguments the payload codec can store, and nothing else.
 *
 * Refused with an error value, at once: a class that is not a registered job
 * service (`UnknownService`); reading a property, calling nothing, two calls,
 * a nested call, using what the call returned, passing the service itself,
 * an async function or one that throws (`InvalidMethodCall`); arguments that
 * cannot be stored, such as functions or cycles (`Unserializable`).
 */
export function recordMethodCall<S extends object>(service: ServiceType<S>, call: MethodCallRecorder<S>, services: JobServiceRegistry): Result<MethodCall, JobError> {
  if (typeof service !== 'function') return err({ kind: 'InvalidOptions', message: 'A method call job needs the service class first, then (s) => s.method(args).' });
  const serviceName = services.nameOf(service);
  if (serviceName === undefined) {
    return err({ kind: 'UnknownService', serviceName: service.name, message: `${service.name} is not registered as a job service; register it (engine.services.add, or services in configureJobServices) so workers can resolve it.` });
  }
  const refuse = (problem: string): Result<never, JobError> =>
    err({ kind: 'InvalidMethodCall', serviceName, message: `The job for ${serviceName} must be exactly one method call, like (s) => s.method(args), but it ${problem}.` });
  if (typeof call !== 'function') return refuse('is not a function');

  const recording = new Recording(service.prototype as object, serviceName);
  let returned: unknown;
  try {
    returned = call(recording.standIn as S);
  } catch (error) {
    // A throw is usually the consequence of a refused access (calling what a property read gave); name the cause.
    return refuse(recording.problems.length > 0 ? recording.problems.join('; ') : `threw ${describeError(error)}`);
  }
  if (returned !== recording.result && returned instanceof Promise) {
    // The refusal below is the answer; this only keeps a rejection of the discarded promise from going unhandled.
    returned.then(undefined, () => undefined);
    recording.problems.push('is async; pass a plain function');
  }
  const [first, ...more] = recording.calls;
  if (first === undefined && recording.problems.length === 0) return refuse('made no method call');
  if (more.length > 0) return refuse(`made ${recording.calls.length} calls (${recording.calls.map((c) => c.method).join(', ')}); compute the arguments before dispatching`);
  if (recording.problems.length === 0 && recording.accessed.length > 1) recording.problems.push(`read ${recording.accessed.length} methods (${recording.accessed.join(', ')}) for one call`);
  if (recording.problems.length > 0 || first === undefined) return refuse(recording.problems.join('; '));
  // Encoded once here so an argument that reaches the stand-in (the service passed as an argument) is caught too;
  // that problem is the cause of the codec's refusal (the stand-in looks like an instance of the service's class).
  recording.encodingArguments = true;
  const encoded = encodePayload(first.args, `${serviceName}.${first.method} arguments`);
  recording.encodingArguments = false;
  if (recording.problems.length > 0) return refuse(recording.problems.join('; '));
  if (encoded.isErr()) return err(encoded.error);
  return ok({ service, method: first.method, args: first.args });
}

/** The stand-in a recorder function is given, and what it noticed. */
class Recording {
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly accessed: string[] = [];
  readonly problems: string[] = [];
  readonly standIn: object;
  /** What a recorded call returns: using it (a chained or nested call) is a problem too. */
  readonly result: object;
  /** Set while the codec reads the arguments: only an argument that is the stand-in has its prototype read then. */
  encodingArguments = false;

  constructor(prototype: object, serviceName: string) {
    const problems = this.problems;
    const noted = (problem: string) => {
      problems.push(problem);
      return undefined;
    };
    this.result = new Proxy(Object.create(null) as object, {
      get: (_target, key) => noted(`used what a call returned (${String(key)}): a chained or nested call`),
      set: () => (noted('assigned to what a call returned'), true),
      has: () => (noted('inspected what a call returned'), false),
      ownKeys: () => (noted('passed what a call returned on'), []),
    });
    this.standIn = new Proxy(Object.create(null) as object, {
      get: (_target, key) => {
        if (typeof key === 'symbol') return noted(`read ${String(key)} of the service`);
        if (!isOwnMethod(prototype, key)) return noted(`read ${key}, which is not a method of ${serviceName} (only methods declared on the class can be recorded)`);
        this.accessed.push(key);
        return (...args: unknown[]) => {
          this.calls.push({ method: key, args });
          return this.result;
        };
      },
      set: (_target, key) => (noted(`assigned ${String(key)} of the service`), true),
      has: (_target, key) => (noted(`tested ${String(key)} in the service`), false),
      deleteProperty: (_target, key) => (noted(`deleted ${String(key)} of the service`), true),
      ownKeys: () => (noted('passed the service itself as an argument, or listed its keys'), []),
      getPrototypeOf: () => {
        if (this.encodingArguments) noted('passed the service itself as an argument');
        return prototype;
      },
    });
  }
}

/** A function on the class's prototype chain, below Object.prototype; getters are not methods (and are not run). */
function isOwnMethod(prototype: object, name: string): boolean {
  if (name === 'constructor') return false;
  for (let current: object | null = prototype; current !== null && current !== Object.prototype; current = Object.getPrototypeOf(current) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(current, name);
    if (descriptor !== undefined) return typeof descriptor.value === 'function';
  }
  return false;
}
