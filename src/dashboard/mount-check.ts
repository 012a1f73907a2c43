import type { IncomingMessage } from 'node:http';
import type { Logger } from '../logging/logger.js';

/** A request as Express and Connect leave it behind `app.use(mountPath, handler)`. */
type MountedRequest = IncomingMessage & { originalUrl?: unknown; baseUrl?: unknown };

/** The most distinct mounts warned about: a bound on memory, whatever the requests claim. */
const MAX_WARNED_MOUNTS = 32;

/**
 * Warns, once per mount, when the dashboard was mounted where it can never
 * answer: `app.use('/hangfire', createDashboard(engine))` with the default
 * `path` ("/jobs") passes every request on to the app's 404, and nothing said
 * why. A mount inside the dashboard's path, or one that contains it
 * (`app.use('/admin', ...)` with path "/admin/jobs"), can serve and is quiet.
 */
export class MountCheck {
  private readonly warned = new Set<string>();

  constructor(
    private readonly dashboardPath: string,
    private readonly logger: Logger,
  ) {}

  /** Called for a request outside the dashboard's path. */
  passedOn(req: IncomingMessage): void {
    const mount = mountPathOf(req);
    if (mount === undefined || mount === '' || mount === '/') return;
    if (this.dashboardPath === mount || this.dashboardPath.startsWith(`${mount}/`)) return;
    if (this.warned.has(mount) || this.warned.size >= MAX_WARNED_MOUNTS) return;
    this.warned.add(mount);
    this.logger.warn(
      `Dashboard: mounted at ${mount}, but its path is ${this.dashboardPath}, so it answers nothing there. ` +
        `Pass { path: '${mount}' } to createDashboard, or mount it with useJobDashboard(app, engine, '${mount}').`,
      { mountPath: mount, dashboardPath: this.dashboardPath },
    );
  }
}

/**
 * Where the app mounted the handler: Express's `baseUrl`, or what Connect
 * stripped from `url` (the front of `originalUrl` that `url` no longer has).
 */
function mountPathOf(req: MountedRequest): string | undefined {
  if (typeof req.baseUrl === 'string') return req.baseUrl;
  if (typeof req.originalUrl !== 'string' || typeof req.url !== 'string') return undefined;
  const original = pathOnly(req.originalUrl);
  const stripped = pathOnly(req.url);
  if (original === stripped || !original.endsWith(stripped === '/' ? '' : stripped)) return undefined;
  const mount = stripped === '/' ? original.replace(/\/$/, '') : original.slice(0, original.length - stripped.length);
  return mount === '' ? undefined : mount;
}

function pathOnly(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt < 0 ? url : url.slice(0, queryAt);
}
