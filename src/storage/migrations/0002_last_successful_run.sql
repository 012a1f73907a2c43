-- mediator-jobs schema, version 2: the last successful run of a recurring job
-- or of a job type (IJobExecutionService.getLastSuccessfulRun), newest first
-- from an index instead of a scan of every Succeeded job.
-- `:schema` is replaced by the validated, quoted schema name before this runs.
-- Append-only: never edit this file after release; add 0003_*.sql instead.

-- Runs of a recurring job, by the time they succeeded.
CREATE INDEX jobs_succeeded_recurring_idx ON :schema.jobs (recurring_id, state_changed_at DESC)
  WHERE state = 'Succeeded' AND recurring_id IS NOT NULL;
-- Jobs of a request type (or a job service), by the time they succeeded.
CREATE INDEX jobs_succeeded_type_idx ON :schema.jobs (type_name, state_changed_at DESC)
  WHERE state = 'Succeeded';
