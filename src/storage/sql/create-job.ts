import { initialData } from './initial-history.js';

/**
 * Creates ONE job with its first history entry (in the jobs row, see
 * initial-history.ts) and its parameters (in the `withParameters` form):
 * the single-call enqueue path. Same outcome as createJobsSql with one
 * entry, in a statement PostgreSQL executes with less
 * work (scalar parameters, no unnest, no materialised input): enqueueing one
 * job at a time is bound by this statement's round trip. Most jobs have no
 * parameters, and an INSERT step that writes no row still opens its table and
 * indexes (about 40 µs of a 400 µs statement on the bench machine), so they
 * take the form without it. One NOTIFY when the job is fetchable, sent only
 * if the transaction commits.
 *
 * $1 queue, $2 state, $3 type_name, $4 method_name, $5 payload,
 * $6 display_name, $7 run_at, $8 parent_id, $9 continuation_on,
 * $10 recurring_id, $11 reason, $12 the notification channel; with
 * parameters, $13/$14 their names and values as parallel arrays.
 */
export const createJobSql = (schema: string, withParameters: boolean): string => `
WITH job AS (
  INSERT INTO ${schema}.jobs (queue, state, type_name, method_name, payload, display_name,
                              enqueued_at, visible_at, run_at, parent_id, continuation_on, recurring_id,
                              initial_state, initial_reason, initial_data)
  VALUES ($1, $2::text, $3, $4, $5, $6,
          CASE WHEN $2::text = 'Enqueued' THEN now() END, CASE WHEN $2::text = 'Enqueued' THEN now() END,
          $7, $8, $9::text, $10,
          $2, $11, ${initialData('$1::text', '$7::timestamptz', '$8::bigint', '$9::text')})
  RETURNING id, queue, state
)${withParameters ? `, parameters AS (
  INSERT INTO ${schema}.job_parameters (job_id, name, value)
  SELECT job.id, p.name, p.value FROM job, unnest($13::text[], $14::text[]) AS p(name, value)
)` : ''}, notified AS (
  SELECT pg_notify($12, 'E' || queue) FROM job WHERE state = 'Enqueued'
)
SELECT id::text AS id, (SELECT count(*) FROM notified) AS notified FROM job`;
