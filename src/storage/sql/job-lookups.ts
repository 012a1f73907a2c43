/**
 * The states of jobs $1 (bigint[]) and, for those of them in $2 (bigint[])
 * that Succeeded, the stored result (NULL when the handler returned nothing):
 * the completion watcher's read, one statement for every job awaited in the
 * process, and what an awaited job ended with, in one snapshot, so a job
 * that expires meanwhile is absent rather than a Succeeded job without its
 * result. Ids with no row (never created, or expired) are absent.
 */
export const jobOutcomesSql = (schema: string): string => `
SELECT job.id::text AS id, job.state, result.value AS result
FROM ${schema}.jobs AS job
LEFT JOIN ${schema}.job_results AS result
  ON result.job_id = job.id AND job.state = 'Succeeded' AND job.id = ANY ($2::bigint[])
WHERE job.id = ANY ($1::bigint[])`;

/**
 * When the newest Succeeded job of $1 finished, where $1 is a recurring job
 * id or a job type name (a request's stable type name, or a job service's
 * name); NULL when there is none. The jobs still kept are read one
 * descending step of each partial index (migration 0002:
 * jobs_succeeded_recurring_idx, jobs_succeeded_type_idx), the expired ones
 * from last_successes by its key (migration 0007), so the cost does not grow
 * with the history. greatest() ignores the NULL of a branch that found nothing.
 */
export const lastSucceededAtSql = (schema: string): string => `
SELECT greatest(
  (SELECT state_changed_at FROM ${schema}.jobs
   WHERE state = 'Succeeded' AND recurring_id = $1
   ORDER BY state_changed_at DESC LIMIT 1),
  (SELECT state_changed_at FROM ${schema}.jobs
   WHERE state = 'Succeeded' AND type_name = $1
   ORDER BY state_changed_at DESC LIMIT 1),
  (SELECT succeeded_at FROM ${schema}.last_successes WHERE key = $1)
) AS finished_at`;
