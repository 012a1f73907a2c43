-- mediator-jobs schema, version 7: what expiration must not forget.
-- `:schema` is replaced by the validated, quoted schema name before this runs.
-- Append-only: never edit this file after release; add 0008_*.sql instead.

-- When each recurring job and each job type last succeeded, as of the newest
-- Succeeded job that expiration has deleted. getLastSuccessfulRun answers from
-- the Succeeded jobs still kept (migration 0002's indexes) and from this row,
-- so a nightly job that fails for a few nights still says when it last
-- succeeded. Written only by expiration, never by the completion path: the
-- hot path pays nothing for it. One row per key: a recurring job id or a type
-- name (the two share the lookup's key space, as they always have).
CREATE TABLE :schema.last_successes (
  key           text PRIMARY KEY,
  succeeded_at  timestamptz NOT NULL
);

-- Jobs that reached Succeeded and Failed since the schema was created, the
-- monotonic counters of Hangfire's stats:succeeded and stats:failed: the
-- counter aggregator adds every raw counter row here as it folds it into the
-- hourly totals, and never deletes these. The statistics add the raw rows not
-- folded yet, so the figures are right at once.
CREATE TABLE :schema.job_all_time_counts (
  name   text PRIMARY KEY,
  count  bigint NOT NULL
);

-- Counted before this migration: what the hourly totals still hold (their
-- retention). Raw rows not folded yet will be added when they are.
INSERT INTO :schema.job_all_time_counts (name, count)
SELECT name, sum(count) FROM :schema.job_counter_totals GROUP BY name;
