const recurringColumns = `id, cron, time_zone, queue, type_name, method_name, payload, display_name, misfire,
  skip_if_running, paused, next_execution_at, last_execution_at, last_job_id::text AS last_job_id, error,
  created_at, updated_at`;

/**
 * Creates or updates recurring job $1. An update replaces the definition but
 * keeps paused and the last run; it replaces the next execution only when the
 * cron expression or the time zone changed, or the stored one is still $12 (a
 * retry time the caller replaces). Keeping the planned tick is decided here,
 * on the row as locked by this statement, not from a read before it: a
 * scheduler pass that fired the tick and advanced the schedule in between
 * would otherwise have it put back and fired twice.
 * $2 cron, $3 time zone, $4 queue, $5 type, $6 method, $7 payload, $8 display
 * name, $9 misfire, $10 skip if running, $11 next execution, $12 the stored
 * next execution to replace (NULL: none).
 */
export const upsertRecurringSql = (schema: string): string => `
INSERT INTO ${schema}.recurring_jobs (id, cron, time_zone, queue, type_name, method_name, payload, display_name,
                                      misfire, skip_if_running, next_execution_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (id) DO UPDATE
SET cron = excluded.cron, time_zone = excluded.time_zone, queue = excluded.queue, type_name = excluded.type_name,
    method_name = excluded.method_name, payload = excluded.payload, display_name = excluded.display_name,
    misfire = excluded.misfire, skip_if_running = excluded.skip_if_running,
    next_execution_at = CASE
      WHEN recurring_jobs.cron = excluded.cron AND recurring_jobs.time_zone IS NOT DISTINCT FROM excluded.time_zone
           AND recurring_jobs.next_execution_at IS DISTINCT FROM $12::timestamptz
      THEN coalesce(recurring_jobs.next_execution_at, excluded.next_execution_at)
      ELSE excluded.next_execution_at END,
    error = NULL, updated_at = now()`;

/** Recurring job $1. */
export const getRecurringSql = (schema: string): string => `
SELECT ${recurringColumns} FROM ${schema}.recurring_jobs WHERE id = $1`;

/** Every recurring job, by id. */
export const listRecurringSql = (schema: string): string => `
SELECT ${recurringColumns} FROM ${schema}.recurring_jobs ORDER BY id`;

/** Removes recurring job $1; a row back means it existed. */
export const removeRecurringSql = (schema: string): string => `
DELETE FROM ${schema}.recurring_jobs WHERE id = $1 RETURNING id`;

/** Pauses ($2 true) or resumes recurring job $1; a row back means it exists. */
export const setRecurringPausedSql = (schema: string): string => `
UPDATE ${schema}.recurring_jobs SET paused = $2, updated_at = now() WHERE id = $1 RETURNING id`;
