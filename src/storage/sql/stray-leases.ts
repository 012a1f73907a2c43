/**
 * Jobs Processing under a lease of server $1, taken by a request whose id
 * starts with $2 (one server process's own requests: another process may
 * run under the same configured name), other than the ones it holds ($3):
 * with their request ids, so the server can keep those whose answer is still
 * on its way. What remains was leased by a fetch or local claim that
 * committed but whose answer never reached the server (the connection
 * dropped in between). Read through the state index; the Processing set is
 * small, bounded by the cluster's workers. At most $4.
 *
 * `lease_request` holds the request id and, after '#', the fetch count that
 * request set: only a value written by the fetch that holds the current
 * lease counts. (A version of this library from before migration 5 fetches
 * without writing the column, leaving an earlier fetch's value in place.)
 */
export const strayLeasesSql = (schema: string): string => `
SELECT id::text AS id, fetch_count, split_part(lease_request, '#', 1) AS lease_request
FROM ${schema}.jobs
WHERE state = 'Processing' AND lease_owner = $1 AND starts_with(lease_request, $2)
  AND split_part(lease_request, '#', 2) = fetch_count::text
  AND NOT (id = ANY($3::bigint[]))
ORDER BY id
LIMIT $4`;
