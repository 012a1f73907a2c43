/**
 * What the payload codec needs to know of an object's prototype: whether it
 * is plain data that comes back as it went in, or an instance of a class that
 * would come back as a plain object without its methods.
 *
 * Objects from another realm (a `vm` context, an iframe) have that realm's
 * `Object.prototype` and `Array.prototype`, so identity with ours is not the
 * test: a prototype with no prototype of its own and a constructor named
 * `Object` is a realm's `Object.prototype`, and every realm's
 * `Array.prototype` is itself an array.
 *
 * These functions read prototypes and constructors, which a Proxy (or a
 * prototype that is one) may answer by throwing: the caller catches that.
 */

/** True for a prototype a plain object may have: none, or some realm's `Object.prototype`. */
export function isPlainObjectPrototype(prototype: object | null): boolean {
  if (prototype === null || prototype === Object.prototype) return true;
  return Object.getPrototypeOf(prototype) === null && constructorNameOf(prototype) === 'Object';
}

/** True for a prototype a plain array may have: none, or some realm's `Array.prototype` (not a subclass's). */
export function isPlainArrayPrototype(prototype: object | null): boolean {
  return prototype === null || Array.isArray(prototype);
}

/**
 * True for a real Date of any realm or subclass: its internal time slot is
 * there (a Proxy of a Date has none). `prototype` is the value's: plain
 * objects and arrays, nearly every object of a payload, are answered at once.
 * Anything else is first asked its tag, which a Date of any realm answers
 * "Date" and a request class does not: the slot check throws for a non-Date,
 * and a throw costs more than encoding the whole request (a request is a
 * class instance, so every job would pay it).
 */
export function isDate(value: object, prototype: object | null): value is Date {
  if (prototype === Date.prototype) return true;
  if (prototype === Object.prototype || prototype === Array.prototype) return false;
  if (Object.prototype.toString.call(value) !== '[object Date]') return false;
  try {
    Date.prototype.getTime.call(value);
    return true;
  } catch {
    return false;
  }
}

/** The class an object belongs to, for a message: `an instance of Money`, `of an anonymous class`, or of a quoted odd name. */
export function classNameFor(prototype: object | null): string {
  const name = prototype === null ? undefined : constructorNameOf(prototype);
  if (name === undefined) return 'an object with a custom prototype (no constructor)';
  if (name === '') return 'an instance of an anonymous class';
  // A name is the user's text (a static name property can be anything): kept short and on one line.
  return /^[\p{ID_Continue}$]{1,100}$/u.test(name) ? `an instance of ${name}` : `an instance of class ${JSON.stringify(name).slice(0, 80)}`;
}

/**
 * The name of the prototype's own `constructor`, read through descriptors so
 * that no getter of the user's runs; undefined when there is none.
 */
function constructorNameOf(prototype: object): string | undefined {
  const constructor: unknown = Object.getOwnPropertyDescriptor(prototype, 'constructor')?.value;
  if (typeof constructor !== 'function') return undefined;
  const name: unknown = Object.getOwnPropertyDescriptor(constructor, 'name')?.value;
  return typeof name === 'string' ? name : undefined;
}
