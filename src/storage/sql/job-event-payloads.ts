/**
 * The NOTIFY payloads for jobs a statement moved, as a query over `moved`
 * (a relation with id, queue and target columns). Format in storage-events.ts.
 *
 * Enqueued: one payload per distinct queue. Final states: ids grouped, at
 * most FINISHED_IDS_PER_PAYLOAD per payload, so finishing a batch of jobs
 * costs a few notifications instead of one per job (PostgreSQL queues,
 * de-duplicates and delivers each one to every listening process).
 */
export const FINISHED_IDS_PER_PAYLOAD = 300;

export const jobEventPayloadsSql = (moved: string): string => `
  SELECT 'E' || queue AS payload
  FROM (SELECT DISTINCT queue FROM ${moved} WHERE target = 'Enqueued') AS queues
  UNION ALL
  SELECT 'F' || left(target, 1) || string_agg(id::text, ',' ORDER BY id)
  FROM (SELECT id, target, (row_number() OVER (PARTITION BY target ORDER BY id) - 1) / ${FINISHED_IDS_PER_PAYLOAD} AS chunk
        FROM ${moved} WHERE target IN ('Succeeded', 'Failed', 'Deleted')) AS finished
  GROUP BY target, chunk`;
