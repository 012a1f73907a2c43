import type { IncomingMessage } from 'node:http';
import { err, ok, type Result } from 'neverthrow';
import { readDashboardPath } from '../config/dashboard-path.js';
import { DEFAULT_DASHBOARD_PATH } from '../config/defaults.js';
import type { MediatorJobsOptions } from '../config/options.js';
import type { AuthorizationFilter } from './authorization.js';

/** Jobs per page of a job list unless the query says otherwise. */
export const DEFAULT_DASHBOARD_PAGE_SIZE = 20;
/** The most jobs one page (and one bulk action) may hold. */
export const MAX_DASHBOARD_PAGE_SIZE = 100;
/** How often an open page refreshes its counts and tables, in milliseconds. */
export const DEFAULT_DASHBOARD_POLL_INTERVAL_MS = 2_000;
/** The dashboard's title unless one is given. */
export const DEFAULT_DASHBOARD_TITLE = 'mediator-jobs';

/** Whether a request may only look (no requeue, delete, trigger...). */
export type ReadOnlyPolicy = boolean | ((request: IncomingMessage) => boolean | Promise<boolean>);

/** How to serve the dashboard. */
export interface DashboardOptions {
  /** URL path prefix; default: `options.dashboardPath`, else {@link DEFAULT_DASHBOARD_PATH} ("/jobs"). */
  readonly path?: string | undefined;
  /** The application's options; only `dashboardPath` is read. */
  readonly options?: Pick<MediatorJobsOptions, 'dashboardPath'> | undefined;
  /**
   * Every filter must allow a request (Hangfire's async authorization
   * filters). With none, only local requests (from 127.0.0.1 or ::1, not
   * through a proxy) are allowed.
   */
  readonly authorization?: readonly AuthorizationFilter[] | undefined;
  /** Allows every request: must be said explicitly, and cannot be combined with `authorization`. Default false. */
  readonly allowEveryone?: boolean | undefined;
  /** Hides action buttons and refuses action requests (403); a function decides per request. Default false. */
  readonly readOnly?: ReadOnlyPolicy | undefined;
  /** Shown in the header and the window title. Default {@link DEFAULT_DASHBOARD_TITLE}. */
  readonly title?: string | undefined;
  /** Default {@link DEFAULT_DASHBOARD_POLL_INTERVAL_MS}; at least 500 ms. */
  readonly pollIntervalMs?: number | undefined;
}

/** Who may open the dashboard. */
export type AccessPolicy =
  | { readonly kind: 'LocalOnly' }
  | { readonly kind: 'Everyone' }
  | { readonly kind: 'Filters'; readonly filters: readonly AuthorizationFilter[] };

/** Options checked once, frozen. */
export interface ResolvedDashboardOptions {
  readonly path: string;
  readonly access: AccessPolicy;
  readonly readOnly: ReadOnlyPolicy;
  readonly title: string;
  readonly pollIntervalMs: number;
}

/** Why a dashboard could not be created. */
export type DashboardError = { readonly kind: 'InvalidDashboardOptions'; readonly message: string };

/** Checks the options once; every problem is an `InvalidDashboardOptions` naming the option. */
export function resolveDashboardOptions(input: DashboardOptions = {}): Result<ResolvedDashboardOptions, DashboardError> {
  const invalid = (message: string) => err<ResolvedDashboardOptions, DashboardError>({ kind: 'InvalidDashboardOptions', message });
  const path = readDashboardPath({ DashboardPath: input.path ?? input.options?.dashboardPath ?? DEFAULT_DASHBOARD_PATH });
  if (path.isErr()) return invalid(path.error.message);
  const given: unknown = input.authorization ?? [];
  if (!Array.isArray(given)) return invalid('authorization: expected an array of functions (request) => boolean | Promise<boolean>');
  const filters = given as readonly unknown[];
  if (filters.some((f) => typeof f !== 'function')) return invalid('authorization: expected an array of functions (request) => boolean | Promise<boolean>');
  if (input.allowEveryone === true && filters.length > 0) return invalid('allowEveryone and authorization filters together: choose one (filters alone decide when given)');
  if (input.allowEveryone !== undefined && typeof input.allowEveryone !== 'boolean') return invalid('allowEveryone: expected true or false');
  const readOnly = input.readOnly ?? false;
  if (typeof readOnly !== 'boolean' && typeof readOnly !== 'function') return invalid('readOnly: expected a boolean or a function of the request');
  const title = input.title ?? DEFAULT_DASHBOARD_TITLE;
  if (typeof title !== 'string' || title.length === 0 || title.length > 100) return invalid('title: expected 1 to 100 characters');
  const pollIntervalMs = input.pollIntervalMs ?? DEFAULT_DASHBOARD_POLL_INTERVAL_MS;
  if (!Number.isFinite(pollIntervalMs) || pollIntervalMs < 500) return invalid('pollIntervalMs: expected at least 500 (milliseconds)');
  const access: AccessPolicy = filters.length > 0 ? { kind: 'Filters', filters: [...(filters as readonly AuthorizationFilter[])] } : input.allowEveryone === true ? { kind: 'Everyone' } : { kind: 'LocalOnly' };
  return ok(Object.freeze({ path: path.value, access, readOnly, title, pollIntervalMs }));
}
