import { jobEventPayloadsSql } from './job-event-payloads.js';
import { continuationKeepsWaiting, continuationTarget, releasedContinuationColumns, releasedContinuationHistory, releasedContinuationsJson } from './continuation-rules.js';

/**
 * Moves continuations on once their parent has finished (see
 * continuation-rules.ts). The completion path does this inside its own
 * statement; these two are the handshake's other sides: the client's check
 * right after creating a continuation (its parent may have finished before
 * the commit), and the scheduler's sweep, the backstop for a process that
 * died in between or a parent that expired.
 *
 * `children` is where the candidates come from (aliased `child`). $2 the most
 * to move; $3 the channel; $4 expiration in ms for Deleted ones.
 *
 * As in the completion (change-states.ts), `children` reads each child in a
 * LATERAL subquery fenced by OFFSET 0 (by parent, or by id), and the UPDATE
 * matches the state read rather than the constant 'Awaiting': statistics
 * taken while no job was Awaiting make that constant look like one row, and
 * the planner then read every Awaiting job once per child (2,000 of them for
 * a check of three parents, which made creating many continuations
 * quadratic; 500,000 index entries for a sweep step of 1,000).
 */
const releaseSteps = (schema: string, children: string): string => `decided AS MATERIALIZED (
  SELECT child.id, child.state, child.parent_id, parent.state AS parent_state,
         ${continuationTarget('child.continuation_on', 'parent.state')} AS target
  FROM ${children}
  LEFT JOIN ${schema}.jobs AS parent ON parent.id = child.parent_id
  WHERE child.state = 'Awaiting'
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
  RETURNING job.id, job.queue, decided.parent_id, decided.target, decided.parent_state, job.type_name, job.method_name, job.retry_count
), history AS (${releasedContinuationHistory(schema, 'moved')}
), notified AS (
  SELECT pg_notify($3, payload)
  FROM (${jobEventPayloadsSql('moved')}) AS events
)`;

const RELEASED_COLUMNS = `${releasedContinuationsJson('moved')} AS released,
       (SELECT count(*) FROM notified) AS notified`;

/** Continuations of the parents in $1 (the client's check after creating one), looked up parent by parent through jobs_parent_idx. */
export const releaseContinuationsOfSql = (schema: string): string => `
WITH ${releaseSteps(schema, `unnest($1::bigint[]) AS of_parent(id)
  CROSS JOIN LATERAL (
    SELECT id, state, parent_id, continuation_on FROM ${schema}.jobs WHERE parent_id = of_parent.id OFFSET 0
  ) AS child`)}
SELECT ${RELEASED_COLUMNS}`;

/**
 * One step of the sweep: the next $2 waiting continuations after id $1, in
 * id order (a range of jobs_state_idx), of which those whose parent finished
 * or vanished are moved on. Each step reads at most $2 of them, however many
 * wait, so a server's scheduler can run it every round; the caller starts the
 * next step after the last id read (`last_scanned`), and from the start once
 * a step read fewer than $2.
 */
export const sweepContinuationsSql = (schema: string): string => `
WITH scanned AS MATERIALIZED (
  SELECT id FROM ${schema}.jobs WHERE state = 'Awaiting' AND id > $1::bigint ORDER BY id LIMIT $2
), ${releaseSteps(schema, `scanned
  CROSS JOIN LATERAL (
    SELECT id, state, parent_id, continuation_on FROM ${schema}.jobs WHERE id = scanned.id OFFSET 0
  ) AS child`)}
SELECT ${RELEASED_COLUMNS},
       (SELECT max(id)::text FROM scanned) AS last_scanned, (SELECT count(*)::int FROM scanned) AS scanned`;
