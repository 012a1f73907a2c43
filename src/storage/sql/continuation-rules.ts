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
