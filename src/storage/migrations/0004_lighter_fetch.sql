-- mediator-jobs schema, version 4: one index less on the fetch path.
-- `:schema` is replaced by the validated, quoted schema name before this runs.
-- Append-only: never edit this file after release; add 0005_*.sql instead.

-- Every fetch sets lease_owner, so this index took an entry per fetched job.
-- Its one reader, the watchdog's release of a dead server's jobs, finds them
-- through jobs_state_idx (state = 'Processing': at most the running jobs).
DROP INDEX IF EXISTS :schema.jobs_lease_owner_idx;
