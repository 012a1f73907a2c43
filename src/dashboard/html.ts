/**
 * HTML built by one tagged template: every interpolated value is escaped by
 * {@link escapeHtml} unless it is already {@link SafeHtml} (markup this module
 * built). There is no other way to put text into a page.
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Markup that is already safe (built by {@link html}). */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/**
 * Characters that show nothing yet change what a reader sees: zero-width
 * spaces, word joiners and byte-order marks make two ids that differ look
 * the same, and bidirectional overrides and isolates show a name reversed
 * ("report\u202Efdp.exe" reads "reportexe.pdf"). Zero-width (non-)joiners and
 * direction marks stay as they are: text in Arabic, Persian or Hebrew and
 * emoji sequences need them.
 */
const INVISIBLE = /[\u200B\u2060-\u2064\uFEFF\u202A-\u202E\u2066-\u2069]/g;

/** Text in element content with each {@link INVISIBLE} character spelt out, as ⟨U+202E⟩. Plain text, so it also holds in <title> and <textarea>. */
export function showInvisible(escaped: string): string {
  return escaped.replace(INVISIBLE, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

/**
 * `html\`<p>${text}</p>\``: escapes every value; arrays are joined; undefined,
 * null and false render nothing. A value that is a whole attribute value
 * (right after `="` or `='`) is escaped only, so a hidden input gives back
 * exactly the id it holds; in element content, invisible characters are
 * also spelt out (see showInvisible).
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i], /=["']$/.test(strings[i] ?? '')) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

function render(value: unknown, inAttribute: boolean): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map((item) => render(item, inAttribute)).join('');
  if (value === undefined || value === null || value === false) return '';
  return inAttribute ? escapeHtml(value) : showInvisible(escapeHtml(value));
}
