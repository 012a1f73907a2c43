import { Notification, notificationTypeNameOf } from './notification.js';
import { Request } from './request.js';
import { requestTypeNameOf } from './request-type-name.js';
import type { RegistrationError } from './registration-error.js';

/**
 * Stable type name -> class, for requests and notifications together: a
 * persisted job records only the name, so one name must mean one class.
 * @internal
 */
export class TypeNameIndex {
  readonly #classes = new Map<string, object>();

  /** Why `cls` cannot be recorded, or `undefined` when it can (no mutation). */
  check(cls: unknown): RegistrationError | undefined {
    const name = nameOf(cls);
    if (name === undefined) {
      return { kind: 'InvalidRegistration', message: `${String(cls)} is not a Request or Notification subclass` };
    }
    if (name === '') {
      return { kind: 'InvalidRegistration', message: 'an anonymous class needs a static requestTypeName' };
    }
    const existing = this.#classes.get(name);
    if (existing === undefined || existing === cls) return undefined;
    const attempted = (cls as { name: string }).name;
    const existingName = (existing as { name: string }).name;
    return {
      kind: 'DuplicateRequestTypeName',
      requestType: name,
      existing: existingName,
      attempted,
      message: `type name "${name}" is already used by class ${existingName}; give ${attempted} its own static type name`,
    };
  }

  /**
   * Why `classes`, each acceptable alone (see `check`), cannot be recorded
   * together: two of them share a name (one handler class decorated for both).
   */
  checkTogether(classes: readonly unknown[]): RegistrationError | undefined {
    const batch = new TypeNameIndex();
    for (const cls of classes) {
      const refused = batch.check(cls);
      if (refused !== undefined) return refused;
      batch.add(cls as object);
    }
    return undefined;
  }

  /** Records `cls` under its name; call only after `check` passed. */
  add(cls: object): void {
    this.#classes.set(nameOf(cls) ?? '', cls);
  }

  /** The class recorded under `name`. */
  find(name: string): object | undefined {
    return this.#classes.get(name);
  }

  /** Every recorded name, in registration order. */
  names(): string[] {
    return [...this.#classes.keys()];
  }
}

function nameOf(cls: unknown): string | undefined {
  if (typeof cls !== 'function') return undefined;
  const prototype: unknown = cls.prototype;
  if (prototype instanceof Request) return requestTypeNameOf(cls as abstract new () => Request);
  if (prototype instanceof Notification) return notificationTypeNameOf(cls as abstract new () => Notification);
  return undefined;
}
