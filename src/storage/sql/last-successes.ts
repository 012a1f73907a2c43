/**
 * last_successes (migration 0007): when each job type and recurring job last
 * succeeded, for the successes no longer found among the Succeeded jobs that
 * getLastSuccessfulRun reads. A success leaves those jobs in two ways, and
 * both statements remember it through this one upsert: expiration deletes
 * the job, or a Succeeded job is requeued or deleted by hand (it would
 * otherwise be forgotten at once, and a failing rerun made the key look as
 * if it had never succeeded).
 */

/**
 * Upserts the newest success per key among `source`, a relation with the
 * columns type_name, recurring_id, succeeded_at: one row per type name and
 * one per recurring id (the two share the lookup's key space, as they always
 * have). `greatest` keeps a newer success already remembered; the upserts run
 * in key order, so two statements remembering at once cannot deadlock.
 */
export const rememberSuccessesSql = (schema: string, source: string): string => `
  INSERT INTO ${schema}.last_successes AS kept (key, succeeded_at)
  SELECT key, max(succeeded_at) FROM (
    SELECT type_name AS key, succeeded_at FROM ${source}
    UNION ALL
    SELECT recurring_id, succeeded_at FROM ${source} WHERE recurring_id IS NOT NULL
  ) AS successes
  GROUP BY key
  ORDER BY key
  ON CONFLICT (key) DO UPDATE SET succeeded_at = greatest(kept.succeeded_at, excluded.succeeded_at)`;
