/**
 * Moves continuations on once their parent has finished: to their queue when
 * the parent's outcome matches the continuation's option, else to Deleted.
 * A continuation waiting on `succeeded` or `deleted` whose parent Failed keeps
 * waiting, since a failed parent may still be retried by hand. A continuation
 * whose parent no longer exists (expired) runs only on `finished`.
 *
 * $1 parent ids, or NULL for every waiting continuation (the scheduler's
 * sweep, the backstop for a process that died between parent and child);
 * $2 the most to move; $3 the channel; $4 expiration in ms for Deleted ones.
 */
export const releaseContinuationsSql = (schema: string): string => `
WITH decided AS (
  SELECT child.id, parent.state AS parent_state,
         CASE
           WHEN child.continuation_on = 'finished' THEN 'Enqueued'
           WHEN parent.id IS NULL THEN 'Deleted'
           WHEN child.continuation_on = 'succeeded' AND parent.state = 'Succeeded' THEN 'Enqueued'
           WHEN child.continuation_on = 'deleted' AND parent.state = 'Deleted' THEN 'Enqueued'
           ELSE 'Deleted'
         END AS target
  FROM ${schema}.jobs AS child
  LEFT JOIN ${schema}.jobs AS parent ON parent.id = child.parent_id
  WHERE child.state = 'Awaiting'
    AND ($1::bigint[] IS NULL OR child.parent_id = ANY ($1::bigint[]))
    AND (parent.id IS NULL OR parent.state IN ('Succeeded', 'Failed', 'Deleted'))
    -- A failed parent may still be retried by hand: only 'finished' continuations move on.
    AND NOT (parent.state IS NOT DISTINCT FROM 'Failed' AND child.continuation_on <> 'finished')
  ORDER BY child.id
  LIMIT $2
  FOR UPDATE OF child SKIP LOCKED
), moved AS (
  UPDATE ${schema}.jobs AS job
  SET state = decided.target, state_changed_at = now(),
      enqueued_at = CASE WHEN decided.target = 'Enqueued' THEN now() END,
      visible_at = CASE WHEN decided.target = 'Enqueued' THEN now() END,
      expire_at = CASE WHEN decided.target = 'Deleted' THEN now() + $4::double precision * interval '1 millisecond' END
  FROM decided
  WHERE job.id = decided.id AND job.state = 'Awaiting'
  RETURNING job.id, job.queue, job.parent_id, decided.target, decided.parent_state
), history AS (
  INSERT INTO ${schema}.job_states (job_id, name, reason, data)
  SELECT id, target,
         CASE WHEN parent_state IS NULL THEN 'Parent job ' || parent_id || ' no longer exists'
              WHEN target = 'Enqueued' THEN 'Parent job ' || parent_id || ' ' || parent_state
              ELSE 'Parent job ' || parent_id || ' ' || parent_state || '; the continuation option was not met' END,
         jsonb_build_object('parentId', parent_id::text, 'parentState', parent_state)
  FROM moved
), notified AS (
  SELECT pg_notify($3, payload)
  FROM (SELECT DISTINCT CASE WHEN target = 'Enqueued' THEN 'E' || queue ELSE 'FD' || id::text END AS payload FROM moved) AS events
)
SELECT (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM moved) AS released,
       (SELECT count(*) FROM notified) AS notified`;
