// The dashboard's public API.
export { createDashboard } from './create-dashboard.js';
export type { DashboardHandler } from './create-dashboard.js';
export { useJobDashboard } from './use-job-dashboard.js';
export type { DashboardHost } from './use-job-dashboard.js';
export { localRequestsOnly } from './authorization.js';
export type { AuthorizationFilter } from './authorization.js';
export { DEFAULT_DASHBOARD_PAGE_SIZE, DEFAULT_DASHBOARD_POLL_INTERVAL_MS, DEFAULT_DASHBOARD_TITLE, MAX_DASHBOARD_PAGE_SIZE } from './dashboard-options.js';
export type { DashboardError, DashboardOptions, ReadOnlyPolicy } from './dashboard-options.js';
export { CONTENT_SECURITY_POLICY } from './http.js';
export { escapeHtml } from './html.js';
