import { jobEventPayloadsSql } from './job-event-payloads.js';
import { rememberSuccessesSql } from './last-successes.js';
import { continuationKeepsWaiting, continuationTarget, releasedContinuationColumns, releasedContinuationHistory, releasedContinuationsJson } from './continuation-rules.js';

/**
 * Applies a batch of guarded state transitions in one statement: the
 * completion path of the worker (many Succeeded at once) and every other
 * transition (retry, requeue, delete, continuation release).
 *
 * A change applies only when the job is in one of its expected states ($2,
 * comma separated) and, when a fencing token ($3) is given, still Processing
 * under that token. Applied changes append to the history, store a result
 * ($8), clear a stale one when a job goes back to waiting, and notify: Enqueued
 * wakes workers, a final state wakes whoever awaits the job.
 *
 * Jobs that reach Succeeded or Failed are counted for the dashboard's history
 * (one row appended to job_counters per state and statement; see counters.ts).
 * A Succeeded job that leaves that state (requeued or deleted by hand) has its
 * success remembered in last_successes (see last-successes.ts).
 *
 * Jobs that reach a final state release their continuations in the same
 * statement (see continuation-rules.ts), so the completion path costs no
 * extra round trip for them; the first row's `released` lists them (JSON
 * text, NULL when none) for the apply-state filters. The continuations are
 * looked up parent by parent, in a LATERAL subquery fenced by OFFSET 0 that
 * filters on parent_id alone, and updated where their state equals the one read, never where it
 * equals 'Awaiting': statistics taken while no job was Awaiting make that
 * constant look like one row, and the planner then read every Awaiting job
 * through jobs_state_idx once per Awaiting job, in every completion (with
 * 1,000 continuations waiting, 400 ms per completion statement instead of 11).
 *
 * States proposed and replaced during the election ($14, a JSON array per
 * change, e.g. the Failed attempt a retry replaced) are recorded in the
 * history before the state applied, so every failed attempt stays visible.
 *
 * $1 id, $2 expected states, $3 token, $4 target state, $5 queue (NULL keeps
 * it), $6 back to the head of the queue, $7 run_at, $8 result, $9 reason,
 * $10 data (JSON text), $13 retry count (NULL keeps it), $14 replaced states,
 * all parallel arrays; $11 expiration in ms for Succeeded and Deleted jobs;
 * $12 the notification channel.
 */
export const changeStatesSql = (schema: string): string => `
WITH input AS (
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::text[], $6::boolean[],
                       $7::timestamptz[], $8::text[], $9::text[], $10::text[], $13::int[], $14::text[])
       WITH ORDINALITY AS c(id, expected, token, target, queue, to_head, run_at, result, reason, data,
                            retry_count, replaced, ordinal)
), changed AS (
  UPDATE ${schema}.jobs AS job
  SET state = c.target,
      queue = coalesce(c.queue, job.queue),
      state_changed_at = now(),
      enqueued_at = CASE WHEN c.target <> 'Enqueued' THEN job.enqueued_at
                         WHEN c.to_head THEN coalesce(job.enqueued_at, now())
                         ELSE now() END,
      visible_at = CASE WHEN c.target <> 'Enqueued' THEN NULL
                        WHEN c.to_head THEN coalesce(job.enqueued_at, now())
                        ELSE now() END,
      lease_owner = NULL,
      lease_request = NULL,
      run_at = CASE WHEN c.target = 'Scheduled' THEN c.run_at END,
      retry_count = coalesce(c.retry_count, job.retry_count),
      expire_at = CASE WHEN c.target IN ('Succeeded', 'Deleted')
                       THEN now() + $11::double precision * interval '1 millisecond' END
  FROM input AS c
  WHERE job.id = c.id
    AND job.state = ANY (string_to_array(c.expected, ','))
    AND (c.token IS NULL OR (job.state = 'Processing' AND job.fetch_count = c.token))
  RETURNING job.id, job.queue, c.ordinal, c.target, c.result, c.reason, c.data, c.replaced
), left_success AS (
  -- A Succeeded job requeued or deleted by hand: its success is remembered (see last-successes.ts). Read
  -- as it was before this statement (one snapshot), only for changes that may leave Succeeded, through a
  -- lookup by id fenced by OFFSET 0: the completion path (expected Processing) reads nothing here.
  SELECT before.type_name, before.recurring_id, before.state_changed_at AS succeeded_at
  FROM input AS c
  CROSS JOIN LATERAL (
    SELECT type_name, recurring_id, state_changed_at FROM ${schema}.jobs
    WHERE id = c.id AND state = 'Succeeded' OFFSET 0
  ) AS before
  WHERE c.target <> 'Succeeded' AND 'Succeeded' = ANY (string_to_array(c.expected, ','))
    AND c.id IN (SELECT id FROM changed)
), remembered AS (${rememberSuccessesSql(schema, 'left_success')}
), history AS (
  INSERT INTO ${schema}.job_states (job_id, name, reason, data)
  SELECT entry.job_id, entry.name, entry.reason, entry.data
  FROM (
    SELECT changed.id AS job_id, changed.ordinal, r.position, r.entry->>'name' AS name,
           r.entry->>'reason' AS reason, r.entry->'data' AS data
    FROM changed
    CROSS JOIN LATERAL jsonb_array_elements(coalesce(changed.replaced::jsonb, '[]'::jsonb))
         WITH ORDINALITY AS r(entry, position)
    UNION ALL
    SELECT id, ordinal, 9223372036854775807, target, reason, data::jsonb FROM changed
  ) AS entry
  ORDER BY entry.ordinal, entry.position
), stored_results AS (
  INSERT INTO ${schema}.job_results (job_id, value)
  SELECT id, result FROM changed WHERE target = 'Succeeded' AND result IS NOT NULL
  ON CONFLICT (job_id) DO UPDATE SET value = excluded.value
), counted AS (
  -- Hourly history for the dashboard: one appended row per final state this
  -- batch reached (never an update of a shared row, so servers never contend).
  INSERT INTO ${schema}.job_counters (bucket, name, count)
  SELECT date_trunc('hour', now(), 'UTC'), target, count(*) FROM changed
  WHERE target IN ('Succeeded', 'Failed')
  GROUP BY target
), stale_results AS (
  DELETE FROM ${schema}.job_results AS r USING changed
  WHERE r.job_id = changed.id AND changed.target IN ('Enqueued', 'Scheduled', 'Awaiting')
), continuation_decisions AS MATERIALIZED (
  -- Continuations of the jobs that just finished, decided from the parent's new state, looked up
  -- parent by parent through jobs_parent_idx (the OFFSET 0 fence: see the comment of this statement).
  SELECT child.id, child.state, changed.id AS parent_id, changed.target AS parent_state,
         ${continuationTarget('child.continuation_on', 'changed.target')} AS target
  FROM changed
  CROSS JOIN LATERAL (
    SELECT id, state, continuation_on FROM ${schema}.jobs WHERE parent_id = changed.id OFFSET 0
  ) AS child
  WHERE changed.target IN ('Succeeded', 'Failed', 'Deleted')
    AND child.state = 'Awaiting'
    AND NOT ${continuationKeepsWaiting('child.continuation_on', 'changed.target')}
    -- A row may change once per statement: a child changed by this batch itself is left to it.
    AND child.id NOT IN (SELECT id FROM input)
), released AS (
  UPDATE ${schema}.jobs AS child
  SET ${releasedContinuationColumns('d.target', '$11')}
  FROM continuation_decisions AS d
  -- Still Awaiting: compared with the decision's reading, not with the constant (see the comment of this statement).
  WHERE child.id = d.id AND child.state = d.state
  RETURNING child.id, child.queue, d.target, d.parent_id, d.parent_state, child.type_name, child.method_name, child.retry_count
), released_history AS (${releasedContinuationHistory(schema, 'released')}
), notified AS (
  SELECT pg_notify($12, payload)
  FROM (${jobEventPayloadsSql('(SELECT id, queue, target FROM changed UNION ALL SELECT id, queue, target FROM released) AS moved')}) AS events
)
SELECT input.ordinal::int AS ordinal, (changed.id IS NOT NULL) AS applied, (SELECT count(*) FROM notified) AS notified,
       CASE WHEN input.ordinal = 1 THEN ${releasedContinuationsJson('released')} END AS released
FROM input LEFT JOIN changed ON changed.ordinal = input.ordinal
ORDER BY input.ordinal`;
