import { initialData } from './initial-history.js';

/** The states in which a job holds its unique key: the predicate of jobs_unique_key_idx (migration 0008). */
export const KEY_HOLDING_STATES = `('Enqueued', 'Scheduled', 'Awaiting', 'Processing')`;

/**
 * Creates ONE job with a unique key, unless a job of the same type (request
 * type, or job service and method) with that key is waiting or running: then
 * nothing is written and that job's id comes back, with `created` false.
 *
 * The holder is looked for first, in the statement's snapshot, and the
 * insert is tried only when none is seen there. Trying it anyway would, in a
 * caller's transaction at REPEATABLE READ or SERIALIZABLE, fail with a
 * serialization failure (40001) whenever the holder's row changed since the
 * transaction's snapshot: a worker fetched it or renewed its lease, which a
 * long job does every third of InvisibilityTimeout.
 *
 * The insert's ON CONFLICT names the partial unique index by its predicate,
 * so two callers racing with one key cannot both create (the second waits
 * for the first's commit, then skips). Its parameters and its NOTIFY go only
 * with a row actually inserted. When the insert skipped for a racer whose
 * commit the snapshot cannot see, no row comes back and the caller runs the
 * statement again (its new snapshot sees that job, or the key was freed
 * meanwhile and the insert succeeds). Keyed jobs take this statement alone:
 * they are never merged into a batch nor claimed locally.
 *
 * In a caller's transaction at REPEATABLE READ or SERIALIZABLE, that racer
 * (a holder committed after the transaction's snapshot) cannot be skipped:
 * PostgreSQL refuses the insert with a serialization failure, and the caller
 * must run its transaction again, as with any such conflict.
 *
 * $1..$12 as createJobSql (queue, state, type_name, method_name, payload,
 * display_name, run_at, parent_id, continuation_on, recurring_id, reason,
 * channel); $13 the unique key; $14/$15 parameter names and values.
 */
export const createUniqueJobSql = (schema: string): string => `
WITH holder AS (
  SELECT id FROM ${schema}.jobs
  WHERE type_name = $3 AND coalesce(method_name, '') = coalesce($4::text, '') AND unique_key = $13::text
    AND state IN ${KEY_HOLDING_STATES}
  LIMIT 1
), job AS (
  INSERT INTO ${schema}.jobs (queue, state, type_name, method_name, payload, display_name,
                              enqueued_at, visible_at, run_at, parent_id, continuation_on, recurring_id,
                              initial_state, initial_reason, initial_data, unique_key)
  SELECT $1, $2::text, $3, $4, $5, $6,
         CASE WHEN $2::text = 'Enqueued' THEN now() END, CASE WHEN $2::text = 'Enqueued' THEN now() END,
         $7, $8, $9::text, $10,
         $2, $11, ${initialData('$1::text', '$7::timestamptz', '$8::bigint', '$9::text')}, $13
  WHERE NOT EXISTS (SELECT FROM holder)
  ON CONFLICT (type_name, (coalesce(method_name, '')), unique_key) WHERE unique_key IS NOT NULL AND state IN ${KEY_HOLDING_STATES} DO NOTHING
  RETURNING id, queue, state
), parameters AS (
  INSERT INTO ${schema}.job_parameters (job_id, name, value)
  SELECT job.id, p.name, p.value FROM job, unnest($14::text[], $15::text[]) AS p(name, value)
), notified AS (
  SELECT pg_notify($12, 'E' || queue) FROM job WHERE state = 'Enqueued'
)
SELECT id::text AS id, true AS created, (SELECT count(*) FROM notified) AS notified FROM job
UNION ALL
SELECT id::text, false, 0 FROM holder`;
