import { rememberSuccessesSql } from './last-successes.js';

/**
 * Up to $1 Scheduled jobs whose run time has passed, earliest first, with
 * what the state machine's filters are told about them. One step of
 * jobs_scheduled_idx, whatever the number of jobs waiting for later.
 */
export const dueScheduledSql = (schema: string): string => `
SELECT id::text AS id, type_name, method_name, queue, retry_count FROM ${schema}.jobs
WHERE state = 'Scheduled' AND run_at <= now()
ORDER BY run_at, id
LIMIT $1`;

/** When the next Scheduled job is due (NULL when none is), so the scheduler can sleep until then. */
export const nextScheduledSql = (schema: string): string => `
SELECT min(run_at) AS next FROM ${schema}.jobs WHERE state = 'Scheduled'`;

/**
 * Milliseconds until the next Scheduled job is due by the database's clock
 * (negative when one is due already, NULL when none is scheduled): the
 * scheduler sleeps this long, so a local clock that differs from the
 * database's neither spins it nor makes it late.
 */
export const scheduledDueInSql = (schema: string): string => `
SELECT (extract(epoch FROM min(run_at) - now()) * 1000)::float8 AS due_in_ms
FROM ${schema}.jobs WHERE state = 'Scheduled'`;

/**
 * Deletes up to $1 expired jobs (Succeeded or Deleted past their expire_at)
 * with their history, parameters and results. Small batches keep each
 * transaction short, so expiration never stalls the hot path. The newest
 * success among the deleted jobs of each recurring job and type is kept in
 * last_successes (see last-successes.ts), so getLastSuccessfulRun outlives
 * the jobs.
 */
export const expireJobsSql = (schema: string): string => `
WITH doomed AS (
  SELECT id FROM ${schema}.jobs
  WHERE expire_at <= now()
  ORDER BY expire_at
  LIMIT $1
  FOR UPDATE SKIP LOCKED
), states AS (
  DELETE FROM ${schema}.job_states AS s USING doomed WHERE s.job_id = doomed.id
), parameters AS (
  DELETE FROM ${schema}.job_parameters AS p USING doomed WHERE p.job_id = doomed.id
), results AS (
  DELETE FROM ${schema}.job_results AS r USING doomed WHERE r.job_id = doomed.id
), removed AS (
  DELETE FROM ${schema}.jobs AS job USING doomed WHERE job.id = doomed.id
  RETURNING job.id, job.state, job.type_name, job.recurring_id, job.state_changed_at
), successes AS (
  SELECT type_name, recurring_id, state_changed_at AS succeeded_at FROM removed WHERE state = 'Succeeded'
), remembered AS (${rememberSuccessesSql(schema, 'successes')}
)
SELECT count(*)::int AS expired FROM removed`;
