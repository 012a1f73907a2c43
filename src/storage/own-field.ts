/**
 * Sets an own field of a plain object, `__proto__` included: a plain
 * assignment of that key (JSON.parse makes such keys) would replace the
 * object's prototype instead. Other keys are assigned, which is much cheaper
 * than defining every field.
 */
export function setOwnField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
