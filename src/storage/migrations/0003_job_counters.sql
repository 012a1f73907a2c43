-- mediator-jobs schema, version 3: succeeded and failed counts by hour, for
-- the dashboard's history (Hangfire's counter and aggregated counter tables).
-- `:schema` is replaced by the validated, quoted schema name before this runs.
-- Append-only: never edit this file after release; add 0004_*.sql instead.

-- Append-only: every state-change statement adds one row per final state its
-- batch reached, so concurrent servers never contend on a counter row. The
-- counter aggregator moves these rows into job_counter_totals.
CREATE TABLE :schema.job_counters (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The hour (UTC) the jobs reached the state.
  bucket  timestamptz NOT NULL,
  -- 'Succeeded' or 'Failed'.
  name    text NOT NULL,
  count   integer NOT NULL
);

-- One row per hour and state: the sum of the raw rows aggregated so far.
CREATE TABLE :schema.job_counter_totals (
  bucket  timestamptz NOT NULL,
  name    text NOT NULL,
  count   bigint NOT NULL,
  PRIMARY KEY (bucket, name)
);
