-- mediator-jobs schema, version 9: the jobs row's value rules as domains,
-- checked without per-statement set-up.
-- `:schema` is replaced by the validated, quoted schema name before this runs.
-- Append-only: never edit this file after release; add 0010_*.sql instead.

-- PostgreSQL builds a table's CHECK constraints anew for every statement that
-- writes the table (read back from their stored form and planned), however
-- few rows it writes. For the one-row statements (a single enqueue, a job
-- claimed as it is created, a state change by hand) the three checks of
-- version 1 were about a quarter of the insert's time in the database
-- (pgbench, prepared, one client: 13,500 inserts/s with them, 19,000
-- without; docs/PERFORMANCE.md). A domain's check is prepared once per
-- connection and kept in its type cache, and measured as no check at all.
--
-- So the two value rules become domains: a state or a continuation condition
-- outside these lists is refused as before. The third rule, a job is visible
-- to the fetch exactly while it is Enqueued or Processing, spans two columns,
-- which no domain can check; it is kept by the statements that write these
-- columns, and the test suite checks it on every schema it drops
-- (test/support/row-rules.ts).
CREATE DOMAIN :schema.job_state AS text
  CHECK (VALUE IN ('Enqueued', 'Scheduled', 'Awaiting', 'Processing', 'Succeeded', 'Failed', 'Deleted'));
CREATE DOMAIN :schema.job_continuation_condition AS text
  CHECK (VALUE IN ('succeeded', 'finished', 'deleted'));

-- Changing a text column to a domain over text rewrites no row: the table is
-- read once to check the domain, and the indexes naming state are built again,
-- under an exclusive lock (1,000,000 jobs: about 7 s on a 2-core machine).
ALTER TABLE :schema.jobs
  DROP CONSTRAINT jobs_state_known,
  DROP CONSTRAINT jobs_continuation_on_known,
  DROP CONSTRAINT jobs_visible_only_when_queued,
  ALTER COLUMN state TYPE :schema.job_state,
  ALTER COLUMN continuation_on TYPE :schema.job_continuation_condition;
