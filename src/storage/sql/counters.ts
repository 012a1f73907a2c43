/**
 * The dashboard's succeeded/failed history (Hangfire's counters): the
 * state-change statement appends raw rows to job_counters; the counter
 * aggregator folds them into job_counter_totals, one row per hour and state.
 */

/**
 * Moves up to $1 raw counter rows into the totals in ONE statement: SKIP
 * LOCKED hands each raw row to one aggregator only, and the delete and the
 * upserts commit together, so nothing is lost or counted twice. Every moved
 * row is also added to the all-time counts (migration 0007), whatever its
 * age: those are never pruned. Totals older
 * than $2 ms are deleted (raw rows that old are dropped without a total, so
 * the statement never both inserts and deletes one row). Upserts run in key
 * order, so two aggregators cannot deadlock on the totals.
 */
export const aggregateCountersSql = (schema: string): string => `
WITH picked AS (
  SELECT id FROM ${schema}.job_counters
  ORDER BY id
  LIMIT $1
  FOR UPDATE SKIP LOCKED
), moved AS (
  DELETE FROM ${schema}.job_counters AS c USING picked WHERE c.id = picked.id
  RETURNING c.bucket, c.name, c.count
), summed AS (
  INSERT INTO ${schema}.job_counter_totals AS totals (bucket, name, count)
  SELECT bucket, name, sum(count) FROM moved
  WHERE bucket >= now() - $2::double precision * interval '1 millisecond'
  GROUP BY bucket, name
  ORDER BY bucket, name
  ON CONFLICT (bucket, name) DO UPDATE SET count = totals.count + excluded.count
), all_time AS (
  INSERT INTO ${schema}.job_all_time_counts AS counts (name, count)
  SELECT name, sum(count) FROM moved
  GROUP BY name
  ORDER BY name
  ON CONFLICT (name) DO UPDATE SET count = counts.count + excluded.count
), pruned AS (
  DELETE FROM ${schema}.job_counter_totals
  WHERE bucket < now() - $2::double precision * interval '1 millisecond'
)
SELECT (SELECT count(*) FROM moved)::int AS aggregated`;

/**
 * Jobs that reached Succeeded and Failed since the schema was created: the
 * all-time counts plus the raw rows not folded into them yet (one snapshot: a
 * row is in one or the other). Monotonic, unlike the number of Succeeded jobs
 * kept, which expiration lowers: the dashboard's live chart draws its
 * differences. float8 keeps the sums JavaScript numbers (exact to 2^53).
 */
export const allTimeCountsSql = (schema: string): string => `
SELECT coalesce(sum(count) FILTER (WHERE name = 'Succeeded'), 0)::float8 AS succeeded,
       coalesce(sum(count) FILTER (WHERE name = 'Failed'), 0)::float8 AS failed
FROM (
  SELECT name, count FROM ${schema}.job_all_time_counts
  UNION ALL
  SELECT name, count FROM ${schema}.job_counters
) AS counts`;

/**
 * Succeeded and Failed per hour for the last $1 hours and per day (UTC) for
 * the last $2 days, oldest first, the current hour and day included. Reads the
 * totals plus the raw rows not aggregated yet (one snapshot: a row is in one
 * or the other), so the numbers are right at once.
 */
export const stateHistorySql = (schema: string): string => `
WITH hours AS (
  SELECT generate_series(date_trunc('hour', now(), 'UTC') - ($1::int - 1) * interval '1 hour',
                         date_trunc('hour', now(), 'UTC'), interval '1 hour') AS start
), days AS (
  SELECT generate_series(date_trunc('day', now(), 'UTC') - ($2::int - 1) * interval '24 hours',
                         date_trunc('day', now(), 'UTC'), interval '24 hours') AS start
), since AS (
  SELECT least((SELECT min(start) FROM hours), (SELECT min(start) FROM days)) AS start
), counts AS (
  SELECT bucket, name, count FROM ${schema}.job_counter_totals WHERE bucket >= (SELECT start FROM since)
  UNION ALL
  SELECT bucket, name, count FROM ${schema}.job_counters WHERE bucket >= (SELECT start FROM since)
)
SELECT 'hour' AS unit, h.start,
       coalesce(sum(c.count) FILTER (WHERE c.name = 'Succeeded'), 0)::int AS succeeded,
       coalesce(sum(c.count) FILTER (WHERE c.name = 'Failed'), 0)::int AS failed
FROM hours AS h LEFT JOIN counts AS c ON c.bucket >= h.start AND c.bucket < h.start + interval '1 hour'
GROUP BY h.start
UNION ALL
SELECT 'day' AS unit, d.start,
       coalesce(sum(c.count) FILTER (WHERE c.name = 'Succeeded'), 0)::int AS succeeded,
       coalesce(sum(c.count) FILTER (WHERE c.name = 'Failed'), 0)::int AS failed
FROM days AS d LEFT JOIN counts AS c ON c.bucket >= d.start AND c.bucket < d.start + interval '24 hours'
GROUP BY d.start
ORDER BY unit, start`;
