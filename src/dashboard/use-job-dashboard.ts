import { err, type Result } from 'neverthrow';
import type { JobEngine } from '../engine/job-engine.js';
import type { AuthorizationFilter } from './authorization.js';
import { createDashboard, type DashboardHandler } from './create-dashboard.js';
import type { DashboardError, DashboardOptions } from './dashboard-options.js';

/** Anything with Express/Connect's `use`: `use(path, handler)`. */
export interface DashboardHost {
  use(path: string, handler: DashboardHandler): unknown;
}

/**
 * Mounts the dashboard on an Express or Connect app at `path`, guarded by
 * `filters` (the seeds' `app.UseCustomHangFireDashboard("/hangfire",
 * filters)`). Unlike Hangfire, an empty filter list does not open the
 * dashboard to everybody: it allows local requests only (pass
 * `{ allowEveryone: true }` to open it).
 */
export function useJobDashboard(
  app: DashboardHost,
  engine: JobEngine,
  path: string,
  filters: readonly AuthorizationFilter[] = [],
  options: Omit<DashboardOptions, 'path' | 'authorization'> = {},
): Result<DashboardHandler, DashboardError> {
  // Guards callers without type checking: without a path the dashboard would answer at "/jobs" while the app mounts it elsewhere.
  if (typeof (app as { use?: unknown } | null | undefined)?.use !== 'function') {
    return err({ kind: 'InvalidDashboardOptions', message: 'useJobDashboard takes the app first: an Express or Connect app, with a use(path, handler) method.' });
  }
  if (typeof path !== 'string') {
    return err({ kind: 'InvalidDashboardOptions', message: `useJobDashboard takes the path to mount at third: useJobDashboard(app, engine, '/jobs'), not ${describePath(path)}.` });
  }
  return createDashboard(engine, { ...options, path, authorization: filters }).map((handler) => {
    app.use(path, handler);
    return handler;
  });
}

function describePath(path: unknown): string {
  if (path === undefined || path === null) return String(path);
  if (Array.isArray(path)) return 'a list';
  return typeof path === 'object' ? 'an object' : `a ${typeof path}`;
}
