import { createdAtMs } from './created-at-ms.js';

/**
 * The worker's hot path: claims up to $2 visible jobs from the queues $1, in
 * queue order (earlier queues first) and oldest first within a queue, marks
 * them Processing under a lease of $4 ms owned by server $3 (recording $5,
 * the request's id: see stray-leases.ts), and records the transition, all in
 * one statement.
 *
 * Each queue is read by a range scan of jobs_fetch_idx up to now(); jobs under
 * a live lease sit beyond now() and are never touched. SKIP LOCKED lets
 * concurrent fetchers pass each other instead of queueing on row locks. A job
 * whose lease ran out (its worker died or hung) is visible again and is
 * claimed like any other; fetch_count then tells the history why.
 *
 * The UPDATE finds the candidates by their row addresses (ctid, a TID scan),
 * which no statistics can make the planner trade for a scan of the table: a
 * generic plan made while the table was small (a fresh schema, a server's
 * first fetch) would otherwise keep scanning the whole table once it has
 * grown, and a join on id alone does the same once the statistics know the
 * table (with 20,000 jobs, a fetch of 100 took 15 ms instead of 6). The rows are locked by the candidates step of
 * this same statement, so their addresses cannot change before the UPDATE;
 * were one stale, the UPDATE would skip that job, never claim it twice.
 *
 * Only Enqueued and Processing jobs are claimed: the runtime half of the
 * visibility rule, which no constraint holds since migration 9. A job in
 * any other state found visible (left so by a faulty statement or a hand
 * edit) is never run again; `hidden` clears its visible_at, so it stops
 * taking a place in the fetch index and in this fetch's LIMIT. The check
 * is on the candidates, not in their scan: there, the planner combined
 * jobs_fetch_idx with jobs_state_idx and sorted the whole backlog
 * (test/storage/hot-statement-plans.test.ts).
 */
export const fetchJobsSql = (schema: string): string => `
WITH candidates AS (
  SELECT job.id, job.row_address, job.state AS previous_state, job.visible_at AS previous_visible_at, q.position
  FROM unnest($1::text[]) WITH ORDINALITY AS q(name, position)
  CROSS JOIN LATERAL (
    SELECT id, ctid AS row_address, state, visible_at FROM ${schema}.jobs
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
      lease_request = $5 || '#' || (job.fetch_count + 1),
      fetch_count = job.fetch_count + 1,
      state_changed_at = now()
  FROM candidates
  WHERE job.ctid = ANY (ARRAY(SELECT row_address FROM candidates)) AND job.id = candidates.id
    AND candidates.previous_state IN ('Enqueued', 'Processing')
  RETURNING job.id, job.queue, job.type_name, job.method_name, job.payload, job.display_name,
            job.fetch_count, job.retry_count, job.created_at, candidates.previous_state, candidates.position,
            candidates.previous_visible_at
), hidden AS (
  UPDATE ${schema}.jobs AS job
  SET visible_at = NULL
  FROM candidates
  WHERE job.ctid = ANY (ARRAY(SELECT row_address FROM candidates WHERE previous_state NOT IN ('Enqueued', 'Processing')))
    AND job.id = candidates.id
), history AS (
  INSERT INTO ${schema}.job_states (job_id, name, reason, data)
  SELECT id, 'Processing',
         CASE WHEN previous_state = 'Processing' THEN 'Lease expired; fetched again' ELSE 'Fetched by a worker' END,
         jsonb_build_object('server', $3::text, 'fetchCount', fetch_count)
  FROM claimed
)
SELECT id::text AS id, queue, type_name, method_name, payload, display_name, fetch_count, retry_count,
       ${createdAtMs('created_at')} AS created_at_ms
FROM claimed
ORDER BY position, previous_visible_at, id`;
