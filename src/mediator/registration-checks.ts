import { Notification } from './notification.js';
import { Request } from './request.js';
import type { RegistrationError } from './registration-error.js';
import { classNameOf, readText } from '../logging/read-safely.js';

// Validation helpers of MediatorRegistry, building its refusals. @internal

/** Whether `candidate` is a class extending `base`. @internal */
export function isSubclassOf(candidate: unknown, base: abstract new (...args: any[]) => unknown): boolean {
  if (typeof candidate !== 'function') return false;
  try {
    return candidate.prototype instanceof base;
  } catch {
    // A Proxy whose get or getPrototypeOf trap throws: no class of ours.
    return false;
  }
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

/**
 * Names what was given, for a refusal. Read safely: the value is the
 * caller's, and String() of an object runs its toString (or a Proxy's traps),
 * which may throw; an object is named by its class, "[object Object]" said nothing.
 */
function describe(value: unknown): string {
  if (typeof value === 'function') return readText(value, 'name') || 'anonymous function';
  if (typeof value !== 'object' || value === null) return typeof value === 'string' ? JSON.stringify(value) : String(value);
  const className = classNameOf(value);
  return className === undefined ? 'an object' : `an instance of ${className}`;
}
