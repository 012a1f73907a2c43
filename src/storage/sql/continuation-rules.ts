/**
 * The continuation rules, as SQL expressions shared by the statements that
 * release continuations (the completion path and the sweep), so there is one
 * definition of what a parent's outcome means for its continuations.
 */

/**
 * The state a continuation moves to, from its option and its parent's final
 * state (NULL when the parent no longer exists, e.g. expired): its queue when
 * the outcome matches (`finished` matches any), else Deleted.
 */
export const continuationTarget = (option: string, parentState: string): string => `CASE
    WHEN ${option} = 'finished' THEN 'Enqueued'
    WHEN ${parentState} IS NULL THEN 'Deleted'
    WHEN ${option} = 'succeeded' AND ${parentState} = 'Succeeded' THEN 'Enqueued'
    WHEN ${option} = 'deleted' AND ${parentState} = 'Deleted' THEN 'Enqueued'
    ELSE 'Deleted'
  END`;

/** True for a continuation that keeps waiting: its parent Failed and may still be retried by hand. */
export const continuationKeepsWaiting = (option: string, parentState: string): string =>
  `(${parentState} IS NOT DISTINCT FROM 'Failed' AND ${option} <> 'finished')`;

/** The history reason of a released continuation. */
export const continuationReason = (parentId: string, parentState: string, target: string): string => `CASE
    WHEN ${parentState} IS NULL THEN 'Parent job ' || ${parentId} || ' no longer exists'
    WHEN ${target} = 'Enqueued' THEN 'Parent job ' || ${parentId} || ' ' || ${parentState}
    ELSE 'Parent job ' || ${parentId} || ' ' || ${parentState} || '; the continuation option was not met'
  END`;

/** The row of a released continuation: into its queue now, or Deleted and expiring after `expirationMs` ms. */
export const releasedContinuationColumns = (target: string, expirationMs: string): string => `state = ${target}, state_changed_at = now(),
      enqueued_at = CASE WHEN ${target} = 'Enqueued' THEN now() END,
      visible_at = CASE WHEN ${target} = 'Enqueued' THEN now() END,
      expire_at = CASE WHEN ${target} = 'Deleted' THEN now() + ${expirationMs}::double precision * interval '1 millisecond' END`;

/** History rows of the continuations in `released` (columns id, target, parent_id, parent_state). */
export const releasedContinuationHistory = (schema: string, released: string): string => `
  INSERT INTO ${schema}.job_states (job_id, name, reason, data)
  SELECT id, target, ${continuationReason('parent_id::text', 'parent_state', 'target')},
         jsonb_build_object('parentId', parent_id::text, 'parentState', parent_state)
  FROM ${released}`;

/**
 * The continuations in `released` (id, type_name, method_name, queue,
 * retry_count, target, parent_id, parent_state), as JSON text: what the
 * engine tells the apply-state filters about each. NULL when none moved.
 */
export const releasedContinuationsJson = (released: string): string => `(SELECT json_agg(json_build_object(
    'jobId', id::text, 'typeName', type_name, 'methodName', method_name, 'queue', queue, 'retryCount', retry_count,
    'state', target, 'reason', ${continuationReason('parent_id::text', 'parent_state', 'target')},
    'parentId', parent_id::text, 'parentState', parent_state) ORDER BY id)::text FROM ${released})`;
