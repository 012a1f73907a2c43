/**
 * The states of jobs $1 (bigint[]): the completion watcher's backstop poll,
 * one statement for every job awaited in the process. Ids with no row (never
 * created, or expired) are simply absent.
 */
export const jobStatesSql = (schema: string): string => `
SELECT id::text AS id, state FROM ${schema}.jobs WHERE id = ANY ($1::bigint[])`;

/**
 * When the newest Succeeded job of $1 finished, where $1 is a recurring job
 * id or a job type name (a request's stable type name, or a job service's
 * name); NULL when there is none. Each branch is one descending step of its
 * partial index (migration 0002: jobs_succeeded_recurring_idx,
 * jobs_succeeded_type_idx), so the cost does not grow with the history.
 */
export const lastSucceededAtSql = (schema: string): string => `
SELECT max(finished_at) AS finished_at FROM (
  (SELECT state_changed_at AS finished_at FROM ${schema}.jobs
   WHERE state = 'Succeeded' AND recurring_id = $1
   ORDER BY state_changed_at DESC LIMIT 1)
  UNION ALL
  (SELECT state_changed_at FROM ${schema}.jobs
   WHERE state = 'Succeeded' AND type_name = $1
   ORDER BY state_changed_at DESC LIMIT 1)
) AS newest`;
