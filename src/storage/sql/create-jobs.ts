import { initialData } from './initial-history.js';

/**
 * Creates a batch of jobs with their first history entry (kept in the jobs
 * row, see initial-history.ts) and parameters, in one statement. Ids are
 * drawn in input order before inserting, so the caller gets them back in
 * order and parameters can be joined to their job. One NOTIFY per distinct
 * queue, sent by PostgreSQL only if the transaction commits.
 *
 * $1..$11 job columns as parallel arrays (queue, state, type_name, method_name,
 * payload, display_name, run_at, parent_id, continuation_on, recurring_id,
 * reason); $12..$14 parameters as parallel arrays (job ordinal, name, value);
 * $15 the notification channel.
 */
export const createJobsSql = (schema: string): string => `
WITH input AS MATERIALIZED (
  SELECT nextval('${schema}.jobs_id_seq') AS id, u.*
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
              $7::timestamptz[], $8::bigint[], $9::text[], $10::text[], $11::text[])
       WITH ORDINALITY AS u(queue, state, type_name, method_name, payload, display_name,
                            run_at, parent_id, continuation_on, recurring_id, reason, ordinal)
), inserted AS (
  INSERT INTO ${schema}.jobs (id, queue, state, type_name, method_name, payload, display_name,
                              enqueued_at, visible_at, run_at, parent_id, continuation_on, recurring_id,
                              initial_state, initial_reason, initial_data)
  SELECT id, queue, state, type_name, method_name, payload, display_name,
         CASE WHEN state = 'Enqueued' THEN now() END,
         CASE WHEN state = 'Enqueued' THEN now() END,
         run_at, parent_id, continuation_on, recurring_id,
         state, reason, ${initialData('queue', 'run_at', 'parent_id', 'continuation_on')}
  FROM input ORDER BY ordinal
  RETURNING id
), parameters AS (
  INSERT INTO ${schema}.job_parameters (job_id, name, value)
  SELECT input.id, p.name, p.value
  FROM unnest($12::int[], $13::text[], $14::text[]) AS p(ordinal, name, value)
  JOIN input ON input.ordinal = p.ordinal
), notified AS (
  SELECT pg_notify($15, 'E' || queue) FROM (SELECT DISTINCT queue FROM input WHERE state = 'Enqueued') AS queues
)
SELECT id::text AS id, (SELECT count(*) FROM notified) AS notified FROM input ORDER BY ordinal`;
