-- mediator-jobs schema, version 6: a job's first history entry lives in its jobs row.
-- `:schema` is replaced by the validated, quoted schema name before this runs.
-- Append-only: never edit this file after release; add 0007_*.sql instead.

-- Creating a job wrote two rows, the job and its first history entry (the state
-- it was created in, why, and its queue, due time or parent), with five index
-- entries between them. Kept in the job's own row, which the creating
-- statement writes anyway, the entry costs no row and no index entry of its
-- own (docs/PERFORMANCE.md has the figures). Jobs created before this
-- migration keep their first entry in job_states, with these columns NULL.
-- Nullable and without defaults: adding them does not rewrite the table.
ALTER TABLE :schema.jobs
  ADD COLUMN initial_state text,
  ADD COLUMN initial_reason text,
  ADD COLUMN initial_data jsonb;

-- A job's whole history: job_states, and the first entry from the jobs row,
-- numbered 0 so it sorts before every job_states entry. A reader filtering on
-- job_id reaches each side through its own index (job_states_job_idx, the
-- jobs primary key). Read history here, never from job_states alone.
CREATE VIEW :schema.job_history AS
SELECT job_id, id, name, reason, data, created_at FROM :schema.job_states
UNION ALL
SELECT id, 0, initial_state, initial_reason, initial_data, created_at FROM :schema.jobs WHERE initial_state IS NOT NULL;
