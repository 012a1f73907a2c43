/**
 * A job's first history entry (the state it was created in, the reason, and
 * where it waits) is written into its own jobs row, in the columns
 * initial_state, initial_reason and initial_data (migration 0006), not as a
 * job_states row: creating a job then writes one row instead of two. The
 * job_history view puts it back at the head of the history.
 */

/**
 * The first entry's data from SQL expressions for the job's queue, due time,
 * parent and continuation condition: only what is set, NULL when nothing is.
 */
export const initialData = (queue: string, runAt: string, parentId: string, on: string): string =>
  `NULLIF(jsonb_strip_nulls(jsonb_build_object('queue', ${queue}, 'runAt', ${runAt}, 'parentId', ${parentId}::text, 'on', ${on})), '{}')`;
