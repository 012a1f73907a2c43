-- mediator-jobs schema, version 1.
-- `:schema` is replaced by the validated, quoted schema name before this runs.
-- Append-only: never edit this file after release; add 0002_*.sql instead.

-- The hot table: one row per job, kept narrow. History, parameters and
-- results live in their own tables so fetching and completing touch little.
CREATE SEQUENCE :schema.jobs_id_seq AS bigint;

CREATE TABLE :schema.jobs (
  id                bigint PRIMARY KEY DEFAULT nextval(':schema.jobs_id_seq'),
  queue             text NOT NULL,
  state             text NOT NULL,
  -- What to run: a request's stable type name (method_name NULL), or a
  -- registered service's name and one of its methods.
  type_name         text NOT NULL,
  method_name       text,
  -- JSON text. Kept as text so a payload is stored and read exactly as written.
  payload           text NOT NULL,
  display_name      text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  state_changed_at  timestamptz NOT NULL DEFAULT now(),
  -- When the job entered its queue: the order within a queue, kept when a job
  -- is handed back so it returns to the head.
  enqueued_at       timestamptz,
  -- Fetchable when visible_at <= now(). For an Enqueued job it is the enqueue
  -- time; for a Processing job it is the end of the worker's lease. NULL in
  -- every other state, so the fetch index holds only queued and leased jobs.
  visible_at        timestamptz,
  -- The server holding the lease, so a dead server's jobs can be released.
  lease_owner       text,
  -- How many times the job was fetched; also the fencing token a worker
  -- presents when it renews or completes, so a worker whose lease expired
  -- and was taken over cannot overwrite the new owner's outcome.
  fetch_count       integer NOT NULL DEFAULT 0,
  -- Retries so far (0 on the first run); set by the retry filter, reset by a manual requeue.
  retry_count       integer NOT NULL DEFAULT 0,
  -- When a Scheduled job becomes due.
  run_at            timestamptz,
  -- Continuations: the parent job and the parent outcome that releases this one.
  parent_id         bigint,
  continuation_on   text,
  recurring_id      text,
  -- Succeeded and Deleted jobs are removed after this; Failed jobs never expire.
  expire_at         timestamptz,
  CONSTRAINT jobs_state_known CHECK (state IN ('Enqueued', 'Scheduled', 'Awaiting', 'Processing', 'Succeeded', 'Failed', 'Deleted')),
  CONSTRAINT jobs_visible_only_when_queued CHECK ((visible_at IS NOT NULL) = (state IN ('Enqueued', 'Processing'))),
  CONSTRAINT jobs_continuation_on_known CHECK (continuation_on IS NULL OR continuation_on IN ('succeeded', 'finished', 'deleted'))
);
ALTER SEQUENCE :schema.jobs_id_seq OWNED BY :schema.jobs.id;

-- Fetch: per queue, the oldest visible job first. A range scan up to now()
-- never touches jobs under a live lease (their visible_at is in the future).
CREATE INDEX jobs_fetch_idx ON :schema.jobs (queue, visible_at, id) WHERE visible_at IS NOT NULL;
-- Promotion of due scheduled jobs.
CREATE INDEX jobs_scheduled_idx ON :schema.jobs (run_at) WHERE state = 'Scheduled';
-- Monitoring: counts and newest-first pages per state.
CREATE INDEX jobs_state_idx ON :schema.jobs (state, id);
-- Expiration in small batches, oldest first.
CREATE INDEX jobs_expire_idx ON :schema.jobs (expire_at) WHERE expire_at IS NOT NULL;
-- Continuations waiting on a parent.
CREATE INDEX jobs_parent_idx ON :schema.jobs (parent_id) WHERE parent_id IS NOT NULL;
-- Releasing the jobs of a dead or stopping server.
CREATE INDEX jobs_lease_owner_idx ON :schema.jobs (lease_owner) WHERE lease_owner IS NOT NULL;

-- Full state history, newest last; state-specific data (error details,
-- duration, server) as JSON.
CREATE TABLE :schema.job_states (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id      bigint NOT NULL,
  name        text NOT NULL,
  reason      text,
  data        jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_states_job_idx ON :schema.job_states (job_id, id);

-- Named values attached to a job by clients, filters and handlers (JSON text).
CREATE TABLE :schema.job_parameters (
  job_id  bigint NOT NULL,
  name    text NOT NULL,
  value   text NOT NULL,
  PRIMARY KEY (job_id, name)
);

-- What a succeeded job returned (JSON text), kept as long as the job.
CREATE TABLE :schema.job_results (
  job_id  bigint PRIMARY KEY,
  value   text NOT NULL
);

-- Recurring job definitions and their schedule.
CREATE TABLE :schema.recurring_jobs (
  id                 text PRIMARY KEY,
  cron               text NOT NULL,
  time_zone          text NOT NULL DEFAULT 'UTC',
  queue              text NOT NULL,
  type_name          text NOT NULL,
  method_name        text,
  payload            text NOT NULL,
  display_name       text,
  misfire            text NOT NULL DEFAULT 'relaxed',
  skip_if_running    boolean NOT NULL DEFAULT false,
  paused             boolean NOT NULL DEFAULT false,
  next_execution_at  timestamptz,
  last_execution_at  timestamptz,
  last_job_id        bigint,
  error              text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT recurring_misfire_known CHECK (misfire IN ('relaxed', 'strict', 'ignorable'))
);
CREATE INDEX recurring_jobs_due_idx ON :schema.recurring_jobs (next_execution_at) WHERE NOT paused;

-- Servers announce themselves and heartbeat; the watchdog removes silent ones.
CREATE TABLE :schema.servers (
  name          text PRIMARY KEY,
  worker_count  integer NOT NULL,
  queues        text[] NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  heartbeat_at  timestamptz NOT NULL DEFAULT now()
);
