import { jobEventPayloadsSql } from './job-event-payloads.js';
import { continuationKeepsWaiting, continuationTarget, releasedContinuationColumns, releasedContinuationHistory } from './continuation-rules.js';

/**
 * Moves continuations on once their parent has finished (see
 * continuation-rules.ts). The completion path does this inside its own
 * statement; these two are the handshake's other sides: the client's check
 * right after creating a continuation (its parent may have finished before
 * the commit), and the scheduler's sweep, the backstop for a process that
 * died in between or a parent that expired.
 *
 * `scope` narrows the candidates: by parent ids ($1) through jobs_parent_idx,
 * or every waiting continuation. $2 the most to move; $3 the channel;
 * $4 expiration in ms for Deleted ones.
 */
const releaseContinuations = (schema: string, scope: string): string => `
WITH decided AS (
  SELECT child.id, child.parent_id, parent.state AS parent_state,
         ${continuationTarget('child.continuation_on', 'parent.state')} AS target
  FROM ${schema}.jobs AS child
  LEFT JOIN ${schema}.jobs AS parent ON parent.id = child.parent_id
  WHERE ${scope}
    AND child.state = 'Awaiting'
    AND (parent.id IS NULL OR parent.state IN ('Succeeded', 'Failed', 'Deleted'))
    AND NOT ${continuationKeepsWaiting('child.continuation_on', 'parent.state')}
  ORDER BY child.id
  LIMIT $2
  FOR UPDATE OF child SKIP LOCKED
), moved AS (
  UPDATE ${schema}.jobs AS job
  SET ${releasedContinuationColumns('decided.target', '$4')}
  FROM decided
  WHERE job.id = decided.id AND job.state = 'Awaiting'
  RETURNING job.id, job.queue, decided.parent_id, decided.target, decided.parent_state
), history AS (${releasedContinuationHistory(schema, 'moved')}
), notified AS (
  SELECT pg_notify($3, payload)
  FROM (${jobEventPayloadsSql('moved')}) AS events
)
SELECT (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM moved) AS released,
       (SELECT count(*) FROM notified) AS notified`;

/** Continuations of the parents in $1 (the client's check after creating one). */
export const releaseContinuationsOfSql = (schema: string): string => releaseContinuations(schema, 'child.parent_id = ANY ($1::bigint[])');

/** Every waiting continuation whose parent finished or vanished ($1 unused, NULL): the sweep. */
export const sweepContinuationsSql = (schema: string): string => releaseContinuations(schema, '$1::bigint[] IS NULL');
