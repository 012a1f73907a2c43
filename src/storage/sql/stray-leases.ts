/**
 * Jobs Processing under a lease of server $1 other than the ones it holds
 * ($2): a fetch or local claim that committed but whose answer never reached
 * the server (the connection dropped in between). Read through the state
 * index; the Processing set is small, bounded by the cluster's workers.
 * At most $3.
 */
export const strayLeasesSql = (schema: string): string => `
SELECT id::text AS id, fetch_count
FROM ${schema}.jobs
WHERE state = 'Processing' AND lease_owner = $1 AND NOT (id = ANY($2::bigint[]))
ORDER BY id
LIMIT $3`;
