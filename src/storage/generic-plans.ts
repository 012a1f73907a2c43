/**
 * Generic plans for every prepared statement from its first execution, on
 * every connection our storage opens (a pg startup option; a session setting
 * on PGlite).
 *
 * PostgreSQL plans the first five runs of a prepared statement per connection
 * with the actual parameters, and PGlite plans every statement afresh. While
 * the statistics lag behind a burst of enqueues, such plans of the fetch read
 * the whole backlog through a bitmap scan and sort it to take the first LIMIT
 * jobs (100 to 160 ms per fetch with 200,000 jobs queued, against 2 to 3 ms for
 * the index-ordered generic plan), and every pool connection pays them again.
 * Our statements are written for their indexes, which generic plans use.
 * A pool or PGlite instance the caller passes in keeps its own settings. A
 * connection string's own `options` are kept and come after ours, so a
 * plan_cache_mode set there wins (PostgreSQL applies them in order).
 */

/** The pg `options` (startup parameter) of a pool we open. */
export const GENERIC_PLANS_OPTION = '-c plan_cache_mode=force_generic_plan';

/** The `options` of a pool we open: ours, then those of its connection string. */
export function withGenericPlans(options: string | undefined): string {
  return options === undefined || options.trim() === '' ? GENERIC_PLANS_OPTION : `${GENERIC_PLANS_OPTION} ${options}`;
}

/** The same setting for a session already open (PGlite). */
export const GENERIC_PLANS_SQL = 'SET plan_cache_mode = force_generic_plan';
