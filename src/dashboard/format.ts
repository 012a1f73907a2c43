import { jobSignal } from '../jobs/job-signal.js';
import { html, type SafeHtml } from './html.js';

/**
 * A time as `<time>`: the exact UTC time, which the page's script turns into
 * relative text ("12 s ago", "in 3 min"). Rendering the absolute time keeps a
 * refreshed table byte-identical while nothing changed, so it is not redrawn.
 */
export function timeTag(date: Date | undefined, _now?: Date): SafeHtml {
  if (date === undefined || Number.isNaN(date.getTime())) return html`<span class="muted">–</span>`;
  const iso = date.toISOString();
  const text = iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return html`<time datetime="${iso}" title="${text}">${text}</time>`;
}

/**
 * Pretty JSON of a decoded value (Dates as ISO text, bigints as "123n",
 * a method call's `jobSignal` by name); anything JSON cannot show is said
 * so, never thrown.
 */
export function prettyJson(value: unknown): string {
  if (value === undefined) return '';
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v === jobSignal ? '(jobSignal)' : v), 2);
    return typeof text === 'string' ? text : `(${typeof value})`;
  } catch {
    // A value JSON cannot hold (a cycle): said so rather than failing the page.
    return '(a value that cannot be shown as JSON)';
  }
}

/** A job's name for people: its display name, else Type.method or the type name. */
export function jobLabel(job: { readonly displayName: string | undefined; readonly typeName: string; readonly methodName: string | undefined }): string {
  if (job.displayName !== undefined && job.displayName !== '') return job.displayName;
  return job.methodName === undefined ? job.typeName : `${job.typeName}.${job.methodName}`;
}
