import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { err, ok, type Result } from 'neverthrow';
import { JobEngine } from '../engine/job-engine.js';
import { isActionPath, noticeText, runAction } from './actions.js';
import { AntiForgery, ANTI_FORGERY_FIELD } from './anti-forgery.js';
import { ASSETS } from './assets/index.js';
import { authorize } from './authorization.js';
import { resolveDashboardOptions, type DashboardError, type DashboardOptions, type ResolvedDashboardOptions } from './dashboard-options.js';
import { field, htmlReply, jsonReply, readForm, redirect, send, type Reply } from './http.js';
import { layout, type Page } from './layout.js';
import { MountCheck } from './mount-check.js';
import type { PageContext } from './page-context.js';
import { errorPage } from './pages/cluster.js';
import { readRoute } from './pages-routes.js';

/**
 * A plain Node request handler: mounts on `http.createServer`, Express and
 * Connect. Requests outside the dashboard's path go to `next()` (or get a
 * 404 when there is none). It never throws: every failure is logged with the
 * engine's logger and answered with an error page.
 */
export type DashboardHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/** The request header the page's script sets to get only the live part of a page. */
export const FRAGMENT_HEADER = 'x-dashboard-fragment';

/** A request as Express and Connect leave it: `originalUrl` keeps the mount path they strip from `url`. */
type MountedRequest = IncomingMessage & { originalUrl?: unknown };

/**
 * Creates the job dashboard for an engine: overview with a live chart, jobs
 * by state with search and paging, job details, recurring jobs, servers and
 * queues, and actions (requeue, delete, trigger, pause, resume, remove).
 *
 * Security: every filter in `authorization` must allow a request; with none,
 * only local requests are allowed, and `allowEveryone: true` opens it to all.
 * Actions are POSTs carrying an anti-forgery token; `readOnly` hides and
 * refuses them. Every response carries a Content-Security-Policy without
 * inline script or style.
 *
 * @returns the handler, or `InvalidDashboardOptions` naming the bad option
 * (or saying the engine is missing, as when the options are given first).
 */
export function createDashboard(engine: JobEngine, options: DashboardOptions = {}): Result<DashboardHandler, DashboardError> {
  // Guards callers without type checking: the options given first (`createDashboard({ path })`) would build a dashboard that fails every request.
  if (!(engine instanceof JobEngine)) {
    return err({ kind: 'InvalidDashboardOptions', message: `createDashboard takes the JobEngine first, then the options: createDashboard(engine, { path, ... }); it was given ${describeArgument(engine)}.` });
  }
  // JavaScript callers pass null for "no options".
  return resolveDashboardOptions(options ?? {}).andThen((resolved) => {
    const dashboard = new Dashboard(engine, resolved);
    const handler: DashboardHandler = (req, res, next) => dashboard.handle(req, res, next);
    return ok(handler);
  });
}

/** What was given in the engine's place, for the message: its type or class, never its content. */
function describeArgument(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return `a ${typeof value}`;
  try {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `an instance of ${name}` : 'a plain object';
  } catch {
    return 'an object that cannot be read';
  }
}

class Dashboard {
  private readonly antiForgery = new AntiForgery();
  private readonly mountCheck: MountCheck;
  /** The mount path as a prefix for links ("" for "/"). */
  private readonly base: string;

  constructor(
    private readonly engine: JobEngine,
    private readonly options: ResolvedDashboardOptions,
  ) {
    this.base = options.path === '/' ? '' : options.path;
    this.mountCheck = new MountCheck(options.path, engine.logger);
  }

  handle(req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void {
    void this.serve(req, res, next).catch((error: unknown) => this.crashed(req, res, error));
  }

  private async serve(req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): Promise<void> {
    const original = (req as MountedRequest).originalUrl;
    const raw = typeof original === 'string' ? original : (req.url ?? '/');
    const queryAt = raw.indexOf('?');
    const pathname = queryAt < 0 ? raw : raw.slice(0, queryAt);
    const search = queryAt < 0 ? '' : raw.slice(queryAt + 1);
    const rel = this.relativePath(pathname);
    if (rel === undefined) {
      this.mountCheck.passedOn(req);
      if (next !== undefined) next();
      else send(req, res, { status: 404, contentType: 'text/plain; charset=utf-8', body: 'Not found' });
      return;
    }
    const decision = await authorize(this.options.access, req);
    if (!decision.allowed) {
      this.engine.logger.warn('Dashboard: request refused', { path: pathname, remoteAddress: req.socket.remoteAddress, reason: decision.reason });
      send(req, res, this.pageReply(undefined, 403, errorPage(403, 'Forbidden', 'You are not allowed to see the job dashboard.')));
      return;
    }
    const method = req.method ?? 'GET';
    const asset = ASSETS.get(rel);
    if (asset !== undefined && (method === 'GET' || method === 'HEAD')) {
      send(req, res, { status: 200, contentType: asset.contentType, body: asset.body }, { 'Cache-Control': 'public, max-age=86400' });
      return;
    }
    // The browser's anti-forgery nonce: issued on the first page it sees.
    const cookieNonce = this.antiForgery.nonceFrom(req.headers.cookie);
    const nonce = cookieNonce ?? this.antiForgery.newNonce();
    const cookieHeaders: Record<string, string> = cookieNonce === undefined ? { 'Set-Cookie': this.antiForgery.cookie(nonce, this.options.path, isSecure(req)) } : {};
    const readOnly = await this.isReadOnly(req);
    const params = new URLSearchParams(search);
    const ctx: PageContext = {
      base: this.base,
      title: this.options.title,
      readOnly,
      csrfToken: this.antiForgery.tokenFor(nonce),
      pollIntervalMs: this.options.pollIntervalMs,
      now: new Date(),
      current: currentLocation(rel, params),
      notice: noticeText(params),
    };
    if (method === 'GET' || method === 'HEAD') {
      const reply = await readRoute(this.engine, ctx, rel, params);
      if (reply.kind === 'json') send(req, res, jsonReply(200, reply.value), cookieHeaders);
      else send(req, res, this.pageReply(ctx, reply.reply.status, reply.reply.page, req.headers[FRAGMENT_HEADER] === '1'), cookieHeaders);
      return;
    }
    if (method !== 'POST') {
      send(req, res, { ...this.pageReply(ctx, 405, errorPage(405, 'Method not allowed', 'Pages are read with GET; actions are POSTs.')), headers: { Allow: isActionPath(rel) ? 'POST' : 'GET, HEAD' } }, cookieHeaders);
      return;
    }
    send(req, res, await this.act(req, ctx, rel, cookieNonce), cookieHeaders);
  }

  /** A POST: checked in order (known action, writable, same origin, form, token), then run. */
  private async act(req: IncomingMessage, ctx: PageContext, rel: string, cookieNonce: string | undefined): Promise<Reply> {
    const refuse = (status: number, title: string, message: string) => this.pageReply(ctx, status, errorPage(status, title, message));
    if (!isActionPath(rel)) return refuse(404, 'Not found', 'There is no such action.');
    if (ctx.readOnly) return refuse(403, 'Forbidden', 'The dashboard is read-only: actions are disabled.');
    if (!sameOrigin(req)) return refuse(403, 'Forbidden', 'Actions are accepted only from the dashboard’s own pages (cross-site request refused).');
    const form = await readForm(req);
    if (!form.ok) {
      if (form.error.kind === 'TooLarge') return refuse(413, 'Payload too large', 'The form is too large.');
      if (form.error.kind === 'Unsupported') return refuse(415, 'Unsupported media type', 'Actions are HTML form posts (application/x-www-form-urlencoded).');
      return refuse(400, 'Bad request', 'The form could not be read.');
    }
    const token = field(form.fields, ANTI_FORGERY_FIELD) ?? headerValue(req.headers['x-csrf-token']);
    if (!this.antiForgery.verify(cookieNonce, token)) {
      this.engine.logger.warn('Dashboard: action refused: missing or wrong anti-forgery token', { path: rel, remoteAddress: req.socket.remoteAddress });
      return refuse(403, 'Forbidden', 'The anti-forgery token is missing or wrong. Reload the page and try again.');
    }
    const outcome = await runAction(this.engine, rel, form.fields);
    return outcome.match(
      (done) => {
        this.engine.logger.info('Dashboard: action', { action: rel, count: done.count, of: done.of, remoteAddress: req.socket.remoteAddress });
        return redirect(this.returnLocation(field(form.fields, 'return'), { done: done.done, n: String(done.count), of: String(done.of), ...(done.held > 0 ? { held: String(done.held) } : {}) }));
      },
      (error) => {
        if (error.kind === 'BadRequest') return refuse(400, 'Bad request', error.message);
        if (error.kind === 'NotFound') return refuse(404, 'Not found', error.message);
        this.engine.logger.error('Dashboard: action failed', { action: rel, error: error.message });
        return refuse(500, 'Action failed', 'The action failed; the error is in the application log.');
      },
    );
  }

  /** The full document, or only its live part for the page's script; `ctx` undefined before authorization. */
  private pageReply(ctx: PageContext | undefined, status: number, page: Page, fragment = false): Reply {
    return htmlReply(status, fragment ? page.live : layout(ctx ?? this.bareContext(), page));
  }

  /** For pages shown before a request is authorized: no token, no actions. */
  private bareContext(): PageContext {
    return { base: this.base, title: this.options.title, readOnly: true, csrfToken: '', pollIntervalMs: this.options.pollIntervalMs, now: new Date(), current: '/', notice: undefined };
  }

  private relativePath(pathname: string): string | undefined {
    if (this.base === '') return pathname === '' ? '/' : pathname;
    if (pathname === this.base) return '/';
    return pathname.startsWith(`${this.base}/`) ? pathname.slice(this.base.length) : undefined;
  }

  private async isReadOnly(req: IncomingMessage): Promise<boolean> {
    const policy = this.options.readOnly;
    if (typeof policy === 'boolean') return policy;
    try {
      return (await policy(req)) !== false;
    } catch (error) {
      // A failing policy must not open the actions up.
      this.engine.logger.error('Dashboard: the readOnly function failed; treating the request as read-only', { error: error instanceof Error ? error.message : String(error) });
      return true;
    }
  }

  /** Where an action returns: a path below the dashboard (never another site), with the outcome in the query. */
  private returnLocation(requested: string | undefined, outcome: Record<string, string>): string {
    const safe = requested !== undefined && requested.length < 2000 && /^\/(?![/\\])[^\\\s]*$/.test(requested) ? requested : '/';
    const url = new URL(safe, 'http://dashboard.invalid');
    for (const [name, value] of Object.entries(outcome)) url.searchParams.set(name, value);
    // Checked again after the URL's own normalisation: "/.//evil.example" becomes "//evil.example",
    // which a browser would take for another site when the dashboard is mounted at "/".
    const path = url.pathname.startsWith('//') ? '/' : url.pathname;
    return `${this.base}${path}${url.search}`;
  }

  private crashed(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    try {
      this.engine.logger.error('Dashboard: request failed', { path: req.url, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      if (!res.headersSent) send(req, res, this.pageReply(undefined, 500, errorPage(500, 'Internal error', 'The dashboard failed to answer; the error is in the application log.')));
      else res.destroy();
    } catch (secondary) {
      // Nothing more can be said to this client; the server must not go down with it.
      res.destroy(secondary instanceof Error ? secondary : undefined);
    }
  }
}

/** This page's location below the dashboard, without a previous action's outcome. */
function currentLocation(rel: string, params: URLSearchParams): string {
  const kept = new URLSearchParams([...params].filter(([name]) => name !== 'done' && name !== 'n' && name !== 'of'));
  const search = kept.toString();
  return `${rel}${search === '' ? '' : `?${search}`}`;
}

/**
 * Refuses browsers' cross-site requests even before the token is checked.
 * `Sec-Fetch-Site`, which modern browsers always send, says where a request
 * came from; otherwise `Origin`, when sent, must name this host ("null", an
 * opaque origin, is refused). Clients that send neither (curl, tests) are
 * judged by the token alone.
 */
function sameOrigin(req: IncomingMessage): boolean {
  const site = headerValue(req.headers['sec-fetch-site']);
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const origin = headerValue(req.headers.origin);
  if (origin === undefined) return true;
  const host = headerValue(req.headers.host);
  if (origin === 'null' || host === undefined) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    // An Origin that is not a URL cannot be ours.
    return false;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isSecure(req: IncomingMessage): boolean {
  return (req.socket as Partial<TLSSocket>).encrypted === true;
}
