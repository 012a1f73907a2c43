import type { Result } from 'neverthrow';
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
  return createDashboard(engine, { ...options, path, authorization: filters }).map((handler) => {
    app.use(path, handler);
    return handler;
  });
}
