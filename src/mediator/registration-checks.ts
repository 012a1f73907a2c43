import { Notification } from './notification.js';
import { Request } from './request.js';
import type { RegistrationError } from './registration-error.js';

// Validation helpers of MediatorRegistry, building its refusals. @internal

/** Whether `candidate` is a class extending `base`. @internal */
export function isSubclassOf(candidate: unknown, base: abstract new (...args: any[]) => unknown): boolean {
  return typeof candidate === 'function' && candidate.prototype instanceof base;
}

/** An InvalidRegistration unless `candidate` extends `base`. @internal */
export function notSubclass(candidate: unknown, base: typeof Request | typeof Notification): RegistrationError | undefined {
  if (isSubclassOf(candidate, base)) return undefined;
  return { kind: 'InvalidRegistration', message: `${describe(candidate)} is not a ${base.name} subclass` };
}

/** The refusal of something without a `handle` method. @internal */
export function notAHandler(value: unknown): RegistrationError {
  return { kind: 'InvalidRegistration', message: `${describe(value)} has no handle method` };
}

/** The refusal of an undecorated class given alone. @internal */
export function missingDecorator(handler: string, decorator: string): RegistrationError {
  return { kind: 'MissingHandlesDecorator', handler, message: `${handler} has no ${decorator}(...) decorator` };
}

function describe(value: unknown): string {
  return typeof value === 'function' ? value.name || 'anonymous function' : String(value);
}
