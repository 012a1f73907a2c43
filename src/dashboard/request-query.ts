import { err, ok, type Result } from 'neverthrow';
import { MAX_SEARCH_TERM_LENGTH } from '../storage/sql-monitoring.js';
import { JOB_STATES } from '../storage/job-types.js';
import { DEFAULT_DASHBOARD_PAGE_SIZE, MAX_DASHBOARD_PAGE_SIZE } from './dashboard-options.js';
import type { ListQuery } from './pages/job-list.js';

/** A query string the dashboard refuses, with what is accepted. */
export type QueryError = { readonly kind: 'BadQuery'; readonly message: string };

const bad = (message: string) => err<never, QueryError>({ kind: 'BadQuery', message });

/** Reads `state`, `q`, `page` and `size` of a job list; every bad value is a `BadQuery` saying what is accepted. */
export function readListQuery(params: URLSearchParams): Result<ListQuery, QueryError> {
  const stateText = params.get('state') ?? '';
  const state = stateText === '' ? undefined : JOB_STATES.find((s) => s.toLowerCase() === stateText.toLowerCase());
  if (stateText !== '' && state === undefined) return bad(`state ${JSON.stringify(stateText.slice(0, 40))} is not a job state; use one of ${JOB_STATES.join(', ')}.`);
  const term = (params.get('q') ?? '').trim();
  if (term.length > MAX_SEARCH_TERM_LENGTH) return bad(`A search term is at most ${MAX_SEARCH_TERM_LENGTH} characters (this one has ${term.length}).`);
  const page = readWhole(params.get('page'), 1, 'page', 1, 1_000_000);
  if (page.isErr()) return err(page.error);
  const pageSize = readWhole(params.get('size'), DEFAULT_DASHBOARD_PAGE_SIZE, 'size', 1, MAX_DASHBOARD_PAGE_SIZE);
  if (pageSize.isErr()) return err(pageSize.error);
  return ok({ state, term, page: page.value, pageSize: pageSize.value });
}

function readWhole(text: string | null, fallback: number, name: string, min: number, max: number): Result<number, QueryError> {
  if (text === null || text === '') return ok(fallback);
  const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isInteger(value) && value >= min && value <= max) return ok(value);
  return bad(`${name} ${JSON.stringify(text.slice(0, 40))} is invalid: expected a whole number from ${min} to ${max}.`);
}
