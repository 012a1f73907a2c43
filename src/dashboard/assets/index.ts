import { createHash } from 'node:crypto';
import { DASHBOARD_JS } from './script.js';
import { DASHBOARD_CSS } from './styles.js';

/** The assets shipped inside the package (no build step, no CDN), by their path below the dashboard. */
export const ASSETS: ReadonlyMap<string, { readonly contentType: string; readonly body: string }> = new Map([
  ['/assets/dashboard.css', { contentType: 'text/css; charset=utf-8', body: DASHBOARD_CSS }],
  ['/assets/dashboard.js', { contentType: 'text/javascript; charset=utf-8', body: DASHBOARD_JS }],
]);

/** Part of every asset URL, so a new version is never served from a stale cache. */
export const ASSET_VERSION = createHash('sha256').update(DASHBOARD_CSS).update(DASHBOARD_JS).digest('hex').slice(0, 12);
