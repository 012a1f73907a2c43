import { Request } from './request.js';
import type { AnyRequest, RequestClass } from './request.js';

/**
 * The stable type name of a request (instance or class): the class's own
 * `static requestTypeName` when it defines one, else the class name.
 *
 * Jobs persist requests by this name, so give long-lived requests an explicit
 * `requestTypeName`: class names change with refactoring and minification.
 * Only an OWN static counts: a subclass does not inherit its parent's name,
 * otherwise both classes would claim the same persisted name.
 */
export function requestTypeNameOf(requestOrClass: AnyRequest | RequestClass): string {
  const requestClass = requestOrClass instanceof Request ? requestOrClass.constructor : requestOrClass;
  return ownTypeName(requestClass, 'requestTypeName');
}

/** Reads an own, non-empty string static `key`, else falls back to `name`. */
export function ownTypeName(cls: object, key: string): string {
  const declared: unknown = Object.hasOwn(cls, key) ? (cls as Record<string, unknown>)[key] : undefined;
  if (typeof declared === 'string' && declared !== '') return declared;
  const name: unknown = (cls as { name?: unknown }).name;
  return typeof name === 'string' ? name : '';
}
