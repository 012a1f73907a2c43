import type { StateName } from '../storage/job-types.js';

/** What every page needs to know about the request it answers. */
export interface PageContext {
  /** The dashboard's mount path ("/jobs"; "" when mounted at "/"). */
  readonly base: string;
  readonly title: string;
  /** Action buttons are hidden and action requests refused. */
  readonly readOnly: boolean;
  /** The anti-forgery token for forms on this page. */
  readonly csrfToken: string;
  readonly pollIntervalMs: number;
  readonly now: Date;
  /** This page's path and query below the mount path, where actions return to. */
  readonly current: string;
  /** The outcome of the action that led here, from the redirect's query. */
  readonly notice: string | undefined;
}

/** A URL below the dashboard's mount path, with an optional query (undefined values dropped). */
export function linkTo(ctx: Pick<PageContext, 'base'>, path: string, query: Readonly<Record<string, string | number | undefined>> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
  const search = params.toString();
  return `${ctx.base}${path}${search === '' ? '' : `?${search}`}`;
}

/** The jobs page of a state. */
export function stateLink(ctx: Pick<PageContext, 'base'>, state: StateName): string {
  return linkTo(ctx, '/jobs', { state });
}
