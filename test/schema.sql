-- The mediator-jobs schema after every migration, dumped from the PostgreSQL catalogs
-- by test/storage/schema-dump.ts. <schema> stands for the configured schema name.
-- A test fails when a freshly migrated schema differs from this file. Do not edit it by
-- hand; after changing src/storage/migrations, regenerate it and review the diff:
--   UPDATE_SCHEMA_DUMP=1 npx tsx test/support/run-tests.ts test/storage/postgres.test.ts

CREATE TABLE <schema>.job_all_time_counts (
  name text NOT NULL,
  count bigint NOT NULL,
  CONSTRAINT job_all_time_counts_pkey PRIMARY KEY (name)
);
CREATE UNIQUE INDEX job_all_time_counts_pkey ON <schema>.job_all_time_counts USING btree (name);

CREATE TABLE <schema>.job_counter_totals (
  bucket timestamp with time zone NOT NULL,
  name text NOT NULL,
  count bigint NOT NULL,
  CONSTRAINT job_counter_totals_pkey PRIMARY KEY (bucket, name)
);
CREATE UNIQUE INDEX job_counter_totals_pkey ON <schema>.job_counter_totals USING btree (bucket, name);

CREATE TABLE <schema>.job_counters (
  id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  bucket timestamp with time zone NOT NULL,
  name text NOT NULL,
  count integer NOT NULL,
  CONSTRAINT job_counters_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX job_counters_pkey ON <schema>.job_counters USING btree (id);

CREATE TABLE <schema>.job_parameters (
  job_id bigint NOT NULL,
  name text NOT NULL,
  value text NOT NULL,
  CONSTRAINT job_parameters_pkey PRIMARY KEY (job_id, name)
);
CREATE UNIQUE INDEX job_parameters_pkey ON <schema>.job_parameters USING btree (job_id, name);

CREATE TABLE <schema>.job_results (
  job_id bigint NOT NULL,
  value text NOT NULL,
  CONSTRAINT job_results_pkey PRIMARY KEY (job_id)
);
CREATE UNIQUE INDEX job_results_pkey ON <schema>.job_results USING btree (job_id);

CREATE TABLE <schema>.job_states (
  id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  job_id bigint NOT NULL,
  name text NOT NULL,
  reason text,
  data jsonb,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT job_states_pkey PRIMARY KEY (id)
);
CREATE INDEX job_states_job_idx ON <schema>.job_states USING btree (job_id, id);
CREATE UNIQUE INDEX job_states_pkey ON <schema>.job_states USING btree (id);

CREATE TABLE <schema>.jobs (
  id bigint NOT NULL DEFAULT nextval('<schema>.jobs_id_seq'::regclass),
  queue text NOT NULL,
  state <schema>.job_state NOT NULL,
  type_name text NOT NULL,
  method_name text,
  payload text NOT NULL,
  display_name text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  state_changed_at timestamp with time zone NOT NULL DEFAULT now(),
  enqueued_at timestamp with time zone,
  visible_at timestamp with time zone,
  lease_owner text,
  fetch_count integer NOT NULL DEFAULT 0,
  retry_count integer NOT NULL DEFAULT 0,
  run_at timestamp with time zone,
  parent_id bigint,
  continuation_on <schema>.job_continuation_condition,
  recurring_id text,
  expire_at timestamp with time zone,
  lease_request text,
  initial_state text,
  initial_reason text,
  initial_data jsonb,
  unique_key text,
  CONSTRAINT jobs_pkey PRIMARY KEY (id)
);
CREATE INDEX jobs_expire_idx ON <schema>.jobs USING btree (expire_at) WHERE (expire_at IS NOT NULL);
CREATE INDEX jobs_fetch_idx ON <schema>.jobs USING btree (queue, visible_at, id) WHERE (visible_at IS NOT NULL);
CREATE INDEX jobs_parent_idx ON <schema>.jobs USING btree (parent_id) WHERE (parent_id IS NOT NULL);
CREATE UNIQUE INDEX jobs_pkey ON <schema>.jobs USING btree (id);
CREATE INDEX jobs_scheduled_idx ON <schema>.jobs USING btree (run_at) WHERE ((state)::text = 'Scheduled'::text);
CREATE INDEX jobs_state_idx ON <schema>.jobs USING btree (state, id);
CREATE INDEX jobs_succeeded_recurring_idx ON <schema>.jobs USING btree (recurring_id, state_changed_at DESC) WHERE (((state)::text = 'Succeeded'::text) AND (recurring_id IS NOT NULL));
CREATE INDEX jobs_succeeded_type_idx ON <schema>.jobs USING btree (type_name, state_changed_at DESC) WHERE ((state)::text = 'Succeeded'::text);
CREATE UNIQUE INDEX jobs_unique_key_idx ON <schema>.jobs USING btree (type_name, COALESCE(method_name, ''::text), unique_key) WHERE ((unique_key IS NOT NULL) AND ((state)::text = ANY (ARRAY['Enqueued'::text, 'Scheduled'::text, 'Awaiting'::text, 'Processing'::text])));

CREATE TABLE <schema>.last_successes (
  key text NOT NULL,
  succeeded_at timestamp with time zone NOT NULL,
  CONSTRAINT last_successes_pkey PRIMARY KEY (key)
);
CREATE UNIQUE INDEX last_successes_pkey ON <schema>.last_successes USING btree (key);

CREATE TABLE <schema>.migrations (
  version integer NOT NULL,
  name text NOT NULL,
  applied_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT migrations_pkey PRIMARY KEY (version)
);
CREATE UNIQUE INDEX migrations_pkey ON <schema>.migrations USING btree (version);

CREATE TABLE <schema>.recurring_jobs (
  id text NOT NULL,
  cron text NOT NULL,
  time_zone text NOT NULL DEFAULT 'UTC'::text,
  queue text NOT NULL,
  type_name text NOT NULL,
  method_name text,
  payload text NOT NULL,
  display_name text,
  misfire text NOT NULL DEFAULT 'relaxed'::text,
  skip_if_running boolean NOT NULL DEFAULT false,
  paused boolean NOT NULL DEFAULT false,
  next_execution_at timestamp with time zone,
  last_execution_at timestamp with time zone,
  last_job_id bigint,
  error text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT recurring_jobs_pkey PRIMARY KEY (id),
  CONSTRAINT recurring_misfire_known CHECK (misfire = ANY (ARRAY['relaxed'::text, 'strict'::text, 'ignorable'::text]))
);
CREATE INDEX recurring_jobs_due_idx ON <schema>.recurring_jobs USING btree (next_execution_at) WHERE (NOT paused);
CREATE UNIQUE INDEX recurring_jobs_pkey ON <schema>.recurring_jobs USING btree (id);

CREATE TABLE <schema>.servers (
  name text NOT NULL,
  worker_count integer NOT NULL,
  queues text[] NOT NULL,
  started_at timestamp with time zone NOT NULL DEFAULT now(),
  heartbeat_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT servers_pkey PRIMARY KEY (name)
);
CREATE UNIQUE INDEX servers_pkey ON <schema>.servers USING btree (name);

CREATE SEQUENCE <schema>.job_counters_id_seq AS bigint START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 NO CYCLE OWNED BY <schema>.job_counters.id;
CREATE SEQUENCE <schema>.job_states_id_seq AS bigint START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 NO CYCLE OWNED BY <schema>.job_states.id;
CREATE SEQUENCE <schema>.jobs_id_seq AS bigint START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 NO CYCLE OWNED BY <schema>.jobs.id;

CREATE VIEW <schema>.job_history AS
 SELECT job_states.job_id,
    job_states.id,
    job_states.name,
    job_states.reason,
    job_states.data,
    job_states.created_at
   FROM <schema>.job_states
UNION ALL
 SELECT jobs.id AS job_id,
    0 AS id,
    jobs.initial_state AS name,
    jobs.initial_reason AS reason,
    jobs.initial_data AS data,
    jobs.created_at
   FROM <schema>.jobs
  WHERE jobs.initial_state IS NOT NULL;

-- Other objects:
--   type job_continuation_condition
--   type job_state
