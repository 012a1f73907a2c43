const summaryColumns = `id::text AS id, queue, state, type_name, method_name, display_name, created_at,
  state_changed_at, run_at, lease_owner, parent_id::text AS parent_id, recurring_id`;

/** Job counts per state (an index-only scan of jobs_state_idx). */
export const stateCountsSql = (schema: string): string => `
SELECT state, count(*)::int AS count FROM ${schema}.jobs GROUP BY state`;

/** Page of jobs in state $1, newest first: $2 offset, $3 limit; total alongside. */
export const jobsInStateSql = (schema: string): string => `
SELECT ${summaryColumns}, count(*) OVER ()::int AS total
FROM ${schema}.jobs WHERE state = $1
ORDER BY id DESC OFFSET $2 LIMIT $3`;

/** Total of state $1, for a page past the end (where the windowed total has no row to ride on). */
export const countInStateSql = (schema: string): string => `
SELECT count(*)::int AS total FROM ${schema}.jobs WHERE state = $1`;

/** Everything about job $1 except history and parameters. */
export const jobRowSql = (schema: string): string => `
SELECT ${summaryColumns}, payload, fetch_count, retry_count, expire_at, unique_key,
       (SELECT value FROM ${schema}.job_results WHERE job_id = job.id) AS result
FROM ${schema}.jobs AS job WHERE id = $1`;

/** History of job $1, newest first (the job_history view: see initial-history.ts). */
export const jobHistorySql = (schema: string): string => `
SELECT name, reason, data, created_at FROM ${schema}.job_history WHERE job_id = $1 ORDER BY id DESC`;

/** Parameters of job $1 as raw JSON text. */
export const jobParametersSql = (schema: string): string => `
SELECT name, value FROM ${schema}.job_parameters WHERE job_id = $1 ORDER BY name`;

/** Queues with waiting and running counts (from the fetch index's rows only). */
export const queuesSql = (schema: string): string => `
SELECT queue AS name,
       count(*) FILTER (WHERE state = 'Enqueued')::int AS enqueued,
       count(*) FILTER (WHERE state = 'Processing')::int AS processing
FROM ${schema}.jobs WHERE visible_at IS NOT NULL
GROUP BY queue ORDER BY queue`;

/** Registered servers, oldest first. */
export const serversSql = (schema: string): string => `
SELECT name, worker_count, queues, started_at, heartbeat_at FROM ${schema}.servers ORDER BY started_at, name`;
