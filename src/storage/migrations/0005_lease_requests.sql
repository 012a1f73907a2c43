-- mediator-jobs schema, version 5: which fetch or claim leased a job.
-- `:schema` is replaced by the validated, quoted schema name before this runs.
-- Append-only: never edit this file after release; add 0006_*.sql instead.

-- Set with lease_owner by every fetch and local claim, and cleared with it
-- when the job leaves Processing: the requesting server process's own prefix
-- and a number it gives each request, then '#' and the fetch count the
-- request set (so a value an older version's fetch left in place, not writing
-- this column, no longer matches). A server can then tell a job whose answer
-- was lost with its connection (the request ended, and no worker holds the
-- job) from one whose answer is still on its way, and its own jobs from those
-- of another process under the same ServerName. Nullable and without a
-- default: adding it does not rewrite the table.
ALTER TABLE :schema.jobs ADD COLUMN lease_request text;
