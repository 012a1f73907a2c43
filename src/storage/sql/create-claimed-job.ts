import { createdAtMs } from './created-at-ms.js';
import { initialData } from './initial-history.js';

/**
 * Creates ONE Enqueued job and, when an idle worker of a server in the
 * enqueuing process is reserved for it (see LocalClaim), claims it for that
 * server in the same commit: the job is written as Processing under the
 * server's lease, with two history entries (Enqueued, in the jobs row as
 * for any new job, see initial-history.ts; then Processing, as a fetch would
 * record). Its worker starts it as soon as this statement returns, which
 * saves the notification and the fetch's round trip.
 *
 * The job is claimed only if no job is waiting (visible) in the server's
 * queues up to and including its own, so it never runs ahead of older work
 * or of a higher-priority queue; otherwise it is enqueued and announced like
 * any other. Each queue is checked by the fetch's own range scan of
 * jobs_fetch_idx (ORDER BY as the index, so no plan prefers reading the
 * table), once per statement (MATERIALIZED, not once per column using it).
 *
 * $1 queue, $2 type_name, $3 method_name, $4 payload, $5 display_name,
 * $6 recurring_id, $7 reason, $8 the notification channel, $9 the server's
 * queues up to the job's, $10 the server, $11 the lease in ms, $12 the
 * claim's request id (see stray-leases.ts); with parameters (the
 * `withParameters` form, see create-job.ts), $13/$14 their names and values
 * as parallel arrays.
 */
export const createClaimedJobSql = (schema: string, withParameters: boolean): string => `
WITH waiting AS MATERIALIZED (
  SELECT EXISTS (
    SELECT 1 FROM unnest($9::text[]) AS q(name)
    CROSS JOIN LATERAL (
      SELECT 1 FROM ${schema}.jobs WHERE queue = q.name AND visible_at <= now() ORDER BY visible_at, id LIMIT 1
    ) AS job
  ) AS found
), job AS (
  INSERT INTO ${schema}.jobs (queue, state, type_name, method_name, payload, display_name,
                              enqueued_at, visible_at, lease_owner, lease_request, fetch_count, recurring_id,
                              initial_state, initial_reason, initial_data)
  SELECT $1, CASE WHEN found THEN 'Enqueued' ELSE 'Processing' END, $2, $3, $4, $5,
         now(),
         CASE WHEN found THEN now() ELSE now() + $11::double precision * interval '1 millisecond' END,
         CASE WHEN found THEN NULL ELSE $10::text END,
         CASE WHEN found THEN NULL ELSE $12::text || '#1' END,
         CASE WHEN found THEN 0 ELSE 1 END,
         $6,
         'Enqueued', $7, ${initialData('$1::text', 'NULL::timestamptz', 'NULL::bigint', 'NULL::text')}
  FROM waiting
  RETURNING id, queue, state, type_name, method_name, payload, display_name, fetch_count, retry_count, created_at
), history AS (
  INSERT INTO ${schema}.job_states (job_id, name, reason, data)
  SELECT id, 'Processing', 'Fetched by a worker', jsonb_build_object('server', $10::text, 'fetchCount', fetch_count, 'onEnqueue', true)
  FROM job WHERE state = 'Processing'
)${withParameters ? `, parameters AS (
  INSERT INTO ${schema}.job_parameters (job_id, name, value)
  SELECT job.id, p.name, p.value FROM job, unnest($13::text[], $14::text[]) AS p(name, value)
)` : ''}, notified AS (
  SELECT pg_notify($8, 'E' || queue) FROM job WHERE state = 'Enqueued'
)
SELECT id::text AS id, state = 'Processing' AS claimed, queue, type_name, method_name, payload, display_name,
       fetch_count, retry_count, ${createdAtMs('created_at')} AS created_at_ms, (SELECT count(*) FROM notified) AS notified
FROM job`;
