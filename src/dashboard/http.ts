import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SafeHtml } from './html.js';

/** What a route answers; written by {@link send}. */
export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * The policy on every response: scripts and styles only from the
 * dashboard's own assets (no inline script or style), no framing, forms
 * and fetches only to the dashboard's origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on the dashboard's own form posts.
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function htmlReply(status: number, body: SafeHtml, headers?: Record<string, string>): Reply {
  return { status, contentType: 'text/html; charset=utf-8', body: body.text, headers };
}

export function jsonReply(status: number, value: unknown): Reply {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

export function redirect(location: string): Reply {
  return { status: 303, contentType: 'text/plain; charset=utf-8', body: `See ${location}`, headers: { Location: location } };
}

/** Writes a reply with the security headers; pages and data are never cached, assets are (their URL carries a version). */
export function send(req: IncomingMessage, res: ServerResponse, reply: Reply, extraHeaders: Readonly<Record<string, string>> = {}): void {
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  res.setHeader('Content-Type', reply.contentType);
  res.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries({ ...extraHeaders, ...reply.headers })) res.setHeader(name, value);
  res.setHeader('Content-Length', Buffer.byteLength(reply.body));
  res.end(req.method === 'HEAD' ? undefined : reply.body);
}

/** The largest form body accepted, in bytes. */
export const MAX_FORM_BYTES = 64 * 1024;

/** A form body's fields: each name with all its values. */
export type FormFields = ReadonlyMap<string, readonly string[]>;

export type FormError = { readonly kind: 'TooLarge' } | { readonly kind: 'Unsupported'; readonly contentType: string } | { readonly kind: 'ReadFailed'; readonly message: string };

/**
 * Reads an `application/x-www-form-urlencoded` body (at most
 * {@link MAX_FORM_BYTES}). A body a framework's parser already read is
 * taken from `req.body`: fields (Express's urlencoded parser), or the text
 * or bytes of the form (a text or raw parser). An empty `req.body = {}` is
 * not a parsed form: Express's json parser sets it on every request it
 * leaves alone, and the stream is still there to read. A stream another
 * middleware read without leaving the body is refused, rather than waited
 * on forever.
 */
export function readForm(req: IncomingMessage): Promise<{ ok: true; fields: FormFields } | { ok: false; error: FormError }> {
  const framework = req as IncomingMessage & { body?: unknown; _body?: unknown };
  const parsed = framework.body;
  const readByParser = framework._body === true || req.readableEnded;
  if (typeof parsed === 'string' && readByParser) return Promise.resolve({ ok: true, fields: fieldsFromSearch(new URLSearchParams(parsed)) });
  if (Buffer.isBuffer(parsed) && readByParser) return Promise.resolve({ ok: true, fields: fieldsFromSearch(new URLSearchParams(parsed.toString('utf8'))) });
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && !Buffer.isBuffer(parsed) && (readByParser || Object.keys(parsed).length > 0)) {
    return Promise.resolve({ ok: true, fields: fieldsFromObject(parsed as Record<string, unknown>) });
  }
  if (req.readableEnded) return Promise.resolve({ ok: false, error: { kind: 'ReadFailed', message: 'the request body was already read by another middleware, which kept none of it in req.body' } });
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType !== 'application/x-www-form-urlencoded') {
    req.resume();
    return Promise.resolve({ ok: false, error: { kind: 'Unsupported', contentType } });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (value: { ok: true; fields: FormFields } | { ok: false; error: FormError }) => {
      if (done) return;
      done = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        req.resume();
        finish({ ok: false, error: { kind: 'TooLarge' } });
        return;
      }
      if (!done) chunks.push(chunk);
    });
    req.on('end', () => finish({ ok: true, fields: fieldsFromSearch(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) }));
    req.on('error', (error) => finish({ ok: false, error: { kind: 'ReadFailed', message: error.message } }));
  });
}

export function fieldsFromSearch(params: URLSearchParams): FormFields {
  const fields = new Map<string, string[]>();
  for (const [name, value] of params) fields.set(name, [...(fields.get(name) ?? []), value]);
  return fields;
}

function fieldsFromObject(body: Record<string, unknown>): FormFields {
  const fields = new Map<string, string[]>();
  for (const [name, value] of Object.entries(body)) {
    const values = Array.isArray(value) ? value : [value];
    fields.set(name, values.filter((v): v is string => typeof v === 'string'));
  }
  return fields;
}

/** The first value of a field. */
export function field(fields: FormFields, name: string): string | undefined {
  return fields.get(name)?.[0];
}
