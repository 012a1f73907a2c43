/**
 * Moves up to $1 Scheduled jobs whose time has come into their queue, with
 * history, and wakes workers ($2 the channel). SKIP LOCKED lets every server
 * run this at once without double promotion.
 */
export const promoteScheduledSql = (schema: string): string => `
WITH due AS (
  SELECT id FROM ${schema}.jobs
  WHERE state = 'Scheduled' AND run_at <= now()
  ORDER BY run_at, id
  LIMIT $1
  FOR UPDATE SKIP LOCKED
), promoted AS (
  UPDATE ${schema}.jobs AS job
  SET state = 'Enqueued', enqueued_at = now(), visible_at = now(), run_at = NULL, state_changed_at = now()
  FROM due WHERE job.id = due.id
  RETURNING job.id, job.queue
), history AS (
  INSERT INTO ${schema}.job_states (job_id, name, reason)
  SELECT id, 'Enqueued', 'Scheduled time reached' FROM promoted
), notified AS (
  SELECT pg_notify($2, 'E' || queue) FROM (SELECT DISTINCT queue FROM promoted) AS queues
)
SELECT (SELECT count(*) FROM promoted)::int AS promoted, (SELECT count(*) FROM notified)::int AS notified`;

/** When the next Scheduled job is due (NULL when none is), so the scheduler can sleep until then. */
export const nextScheduledSql = (schema: string): string => `
SELECT min(run_at) AS next FROM ${schema}.jobs WHERE state = 'Scheduled'`;

/**
 * Deletes up to $1 expired jobs (Succeeded or Deleted past their expire_at)
 * with their history, parameters and results. Small batches keep each
 * transaction short, so expiration never stalls the hot path.
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
  DELETE FROM ${schema}.jobs AS job USING doomed WHERE job.id = doomed.id RETURNING job.id
)
SELECT count(*)::int AS expired FROM removed`;
