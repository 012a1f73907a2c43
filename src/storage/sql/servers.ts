/** Announces a server ($1 name, $2 worker count, $3 queues), or refreshes it after a restart. */
export const announceServerSql = (schema: string): string => `
INSERT INTO ${schema}.servers (name, worker_count, queues) VALUES ($1, $2, $3::text[])
ON CONFLICT (name) DO UPDATE
SET worker_count = excluded.worker_count, queues = excluded.queues, heartbeat_at = now()`;

/** Records a heartbeat of server $1; no row back means a watchdog removed it. */
export const heartbeatSql = (schema: string): string => `
UPDATE ${schema}.servers SET heartbeat_at = now() WHERE name = $1 RETURNING name`;

/** Removes server $1 (graceful stop). */
export const removeServerSql = (schema: string): string => `
DELETE FROM ${schema}.servers WHERE name = $1`;

/**
 * The watchdog: removes servers silent for more than $1 ms and, in the same
 * statement, puts their Processing jobs back at the head of their queues, so
 * other servers pick them up at once rather than after the lease runs out.
 * The fetch_count fence stays, so a server wrongly declared dead cannot
 * complete a job someone else has since fetched. $2 is the channel.
 */
export const removeDeadServersSql = (schema: string): string => `
WITH dead AS (
  DELETE FROM ${schema}.servers
  WHERE heartbeat_at < now() - $1::double precision * interval '1 millisecond'
  RETURNING name
), released AS (
  UPDATE ${schema}.jobs AS job
  SET state = 'Enqueued', visible_at = coalesce(job.enqueued_at, now()), lease_owner = NULL, lease_request = NULL, state_changed_at = now()
  FROM dead
  WHERE job.lease_owner = dead.name AND job.state = 'Processing'
  RETURNING job.id, job.queue, dead.name AS server
), history AS (
  INSERT INTO ${schema}.job_states (job_id, name, reason, data)
  SELECT id, 'Enqueued', 'Server timed out; job released to its queue', jsonb_build_object('server', server)
  FROM released
), notified AS (
  SELECT pg_notify($2, 'E' || queue) FROM (SELECT DISTINCT queue FROM released) AS queues
)
SELECT (SELECT coalesce(array_agg(name ORDER BY name), '{}') FROM dead) AS servers,
       (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM released) AS jobs,
       (SELECT count(*) FROM notified) AS notified`;
