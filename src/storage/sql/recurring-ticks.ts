/**
 * The recurring scheduler's statements. A pass locks the due definitions,
 * creates their jobs and advances their schedule in ONE transaction: the row
 * lock plus the advanced next_execution_at is what makes each tick fire once
 * however many servers run the scheduler.
 */

/**
 * Locks up to $1 due definitions (not paused, next_execution_at at or before
 * the clock), oldest tick first, skipping rows another server holds. Returns
 * each with the current state of its last job (NULL when it has none or it
 * expired) and the clock used: $2, or the database's now() when $2 is NULL.
 * Run inside a transaction: the locks last until it ends.
 */
export const lockDueRecurringSql = (schema: string): string => `
WITH due AS (
  SELECT * FROM ${schema}.recurring_jobs
  WHERE NOT paused AND next_execution_at <= coalesce($2::timestamptz, now())
  ORDER BY next_execution_at, id
  LIMIT $1
  FOR UPDATE SKIP LOCKED
)
SELECT due.id, due.cron, due.time_zone, due.queue, due.type_name, due.method_name, due.payload, due.display_name,
       due.misfire, due.skip_if_running, due.paused, due.next_execution_at, due.last_execution_at,
       due.last_job_id::text AS last_job_id, due.error, due.created_at, due.updated_at,
       job.state AS last_job_state, coalesce($2::timestamptz, now()) AS now
FROM due LEFT JOIN ${schema}.jobs AS job ON job.id = due.last_job_id
ORDER BY due.next_execution_at, due.id`;

/**
 * Records a pass over locked definitions, one entry per definition in
 * parallel arrays: $1 id, $2 next execution (NULL: never again), $3 last
 * execution (NULL keeps it), $4 last job id (NULL keeps it), $5 error (NULL
 * clears it). The definition itself and updated_at are left alone.
 */
export const recordRecurringPassSql = (schema: string): string => `
UPDATE ${schema}.recurring_jobs AS r
SET next_execution_at = u.next_execution_at,
    last_execution_at = coalesce(u.last_execution_at, r.last_execution_at),
    last_job_id = coalesce(u.last_job_id, r.last_job_id),
    error = u.error
FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::bigint[], $5::text[])
     AS u(id, next_execution_at, last_execution_at, last_job_id, error)
WHERE r.id = u.id
RETURNING r.id`;

/**
 * Records a run of recurring job $1 outside its schedule (a trigger): $2 the
 * job id, $3 when (NULL: the database's now()). A row back means it exists.
 */
export const recordRecurringRunSql = (schema: string): string => `
UPDATE ${schema}.recurring_jobs
SET last_job_id = $2::bigint, last_execution_at = coalesce($3::timestamptz, now())
WHERE id = $1
RETURNING id`;

/**
 * Resumes recurring job $1. When it was paused, its next execution becomes $2
 * (ticks that fell in the pause are not replayed); an unpaused definition
 * keeps its schedule. A row back means it exists.
 */
export const resumeRecurringSql = (schema: string): string => `
UPDATE ${schema}.recurring_jobs
SET next_execution_at = CASE WHEN paused THEN $2::timestamptz ELSE next_execution_at END,
    paused = false, updated_at = now()
WHERE id = $1
RETURNING id`;

/**
 * Milliseconds until the soonest unpaused definition is due, measured from $1
 * (NULL: the database's now()); negative when one is due already, NULL when
 * none is scheduled. The scheduler sleeps this long, capped by its poll interval.
 */
export const recurringDueInSql = (schema: string): string => `
SELECT (extract(epoch FROM min(next_execution_at) - coalesce($1::timestamptz, now())) * 1000)::float8 AS due_in_ms
FROM ${schema}.recurring_jobs
WHERE NOT paused`;
