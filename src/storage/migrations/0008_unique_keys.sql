-- mediator-jobs schema, version 8: unique keys (pg-boss's singletonKey,
-- BullMQ's job id): at most one job per key waits or runs at a time.
-- `:schema` is replaced by the validated, quoted schema name before this runs.
-- Append-only: never edit this file after release; add 0009_*.sql instead.

-- Nullable without a default: adding it does not rewrite the table.
ALTER TABLE :schema.jobs ADD COLUMN unique_key text;

-- The key is held while its job is Enqueued, Scheduled, Awaiting or
-- Processing (retries included: a retry waits as Scheduled), and free again
-- once the job succeeded, failed or was deleted. A key belongs to its job
-- type (request type, or job service and method): the same key on another
-- type is another key, so `enqueueAwait` never answers with another type's
-- result. Jobs without a key, nearly all of them, have no entry: the
-- creating and state-change statements pay only the predicate. The creating
-- statement of a keyed job names these columns and this predicate in ON
-- CONFLICT; keep the two the same.
CREATE UNIQUE INDEX jobs_unique_key_idx ON :schema.jobs (type_name, (coalesce(method_name, '')), unique_key)
  WHERE unique_key IS NOT NULL AND state IN ('Enqueued', 'Scheduled', 'Awaiting', 'Processing');
