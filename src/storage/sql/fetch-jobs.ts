import { byPrimaryKey } from './ids-lookup.js';

/**
 * The worker's hot path: claims up to $2 visible jobs from the queues $1, in
 * queue order (earlier queues first) and oldest first within a queue, marks
 * them Processing under a lease of $4 ms owned by server $3, and records the
 * transition, all in one statement.
 *
 * Each queue is read by a range scan of jobs_fetch_idx up to now(); jobs under
 * a live lease sit beyond now() and are never touched. SKIP LOCKED lets
 * concurrent fetchers pass each other instead of queueing on row locks. A job
 * whose lease ran out (its worker died or hung) is visible again and is
 * claimed like any other; fetch_count then tells the history why.
 *
 * The claimed rows are looked up by primary key (see ids-lookup.ts).
 */
export const fetchJobsSql = (schema: string): string => `
WITH candidates AS (
  SELECT job.id, job.state AS previous_state, job.visible_at AS previous_visible_at, q.position
  FROM unnest($1::text[]) WITH ORDINALITY AS q(name, position)
  CROSS JOIN LATERAL (
    SELECT id, state, visible_at FROM ${schema}.jobs
    WHERE queue = q.name AND visible_at <= now()
    ORDER BY visible_at, id
    LIMIT $2
    FOR UPDATE SKIP LOCKED
  ) AS job
  LIMIT $2
), claimed AS (
  UPDATE ${schema}.jobs AS job
  SET state = 'Processing',
      visible_at = now() + $4::double precision * interval '1 millisecond',
      lease_owner = $3,
      fetch_count = job.fetch_count + 1,
      state_changed_at = now()
  FROM candidates
  WHERE job.id = candidates.id AND ${byPrimaryKey('job.id', 'ARRAY(SELECT id FROM candidates)')}
  RETURNING job.id, job.queue, job.type_name, job.method_name, job.payload, job.display_name,
            job.fetch_count, job.retry_count, job.created_at, candidates.previous_state, candidates.position,
            candidates.previous_visible_at
), history AS (
  INSERT INTO ${schema}.job_states (job_id, name, reason, data)
  SELECT id, 'Processing',
         CASE WHEN previous_state = 'Processing' THEN 'Lease expired; fetched again' ELSE 'Fetched by a worker' END,
         jsonb_build_object('server', $3::text, 'fetchCount', fetch_count)
  FROM claimed
)
SELECT id::text AS id, queue, type_name, method_name, payload, display_name, fetch_count, retry_count, created_at
FROM claimed
ORDER BY position, previous_visible_at, id`;
