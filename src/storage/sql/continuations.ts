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
 * `children` is where the candidates come from: the children of the parents
 * in $1, looked up parent by parent through jobs_parent_idx, or every job
 * (the sweep, which reads the Awaiting ones through jobs_state_idx; its
 * `scope` only gives $1 a type). $2 the most to move; $3 the channel; $4
 * expiration in ms for Deleted ones.
 *
 * As in the completion (change-states.ts), the children of given parents are
 * read in a LATERAL subquery fenced by OFFSET 0, and the UPDATE matches the
 * state read rather than the constant 'Awaiting': statistics taken while no
 * job was Awaiting make that constant look like one row, and the planner
 * then read every Awaiting job for each check (2,000 of them for a check of
 * three parents), which made creating many continuations quadratic.
 */
const releaseContinuations = (schema: string, children: string, scope = 'TRUE'): string => `
WITH decided AS MATERIALIZED (
  SELECT child.id, child.state, child.parent_id, parent.state AS parent_state,
         ${continuationTarget('child.continuation_on', 'parent.state')} AS target
  FROM ${children}
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
  WHERE job.id = decided.id AND job.state = decided.state
  RETURNING job.id, job.queue, decided.parent_id, decided.target, decided.parent_state
), history AS (${releasedContinuationHistory(schema, 'moved')}
), notified AS (
  SELECT pg_notify($3, payload)
  FROM (${jobEventPayloadsSql('moved')}) AS events
)
SELECT (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM moved) AS released,
       (SELECT count(*) FROM notified) AS notified`;

/** Continuations of the parents in $1 (the client's check after creating one). */
export const releaseContinuationsOfSql = (schema: string): string => releaseContinuations(schema, `unnest($1::bigint[]) AS of_parent(id)
  CROSS JOIN LATERAL (
    SELECT id, state, parent_id, continuation_on FROM ${schema}.jobs WHERE parent_id = of_parent.id OFFSET 0
  ) AS child`);

/** Every waiting continuation whose parent finished or vanished ($1 unused, NULL): the sweep. */
export const sweepContinuationsSql = (schema: string): string => releaseContinuations(schema, `${schema}.jobs AS child`, '$1::bigint[] IS NULL');
