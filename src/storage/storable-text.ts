import type { JsonValue } from './job-types.js';
import { setOwnField } from './own-field.js';

/**
 * What stands in for a NUL character (and a lone surrogate, below) in a
 * job's history. PostgreSQL's text and jsonb cannot hold U+0000, and a
 * handler's error message or a filter's reason may contain one; refusing the
 * state change would leave the job in Processing until its lease ran out,
 * again and again.
 */
export const NUL_REPLACEMENT = '\uFFFD';

/**
 * The text with every NUL replaced by U+FFFD, and every lone surrogate too
 * (half of a UTF-16 surrogate pair without its other half, a message cut in
 * the middle of an emoji, say: it has no UTF-8 form, and PostgreSQL refuses
 * it in JSON, so a history entry's data holding one made the whole
 * completion statement fail, for every job in its batch). `toWellFormed`
 * replaces lone surrogates with U+FFFD, and `isWellFormed` skips the copy
 * for the usual well-formed text.
 */
export function storableText(text: string): string {
  const withoutNul = text.includes('\u0000') ? text.replaceAll('\u0000', NUL_REPLACEMENT) : text;
  return withoutNul.isWellFormed() ? withoutNul : withoutNul.toWellFormed();
}

/** A history entry's data with NUL replaced in every string, keys included. */
export function storableData<T extends JsonValue>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map((item) => storableData(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const cleaned: { [key: string]: JsonValue } = {};
  for (const [key, field] of Object.entries(value)) {
    setOwnField(cleaned, storableText(key), storableData(field));
  }
  return cleaned as T;
}
