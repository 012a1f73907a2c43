/**
 * Extends the leases still held: a job whose fencing token ($2, per job $1)
 * no longer matches, or that left Processing (deleted, taken over), is not
 * renewed and so is reported lost. $3 is the new lease length in ms.
 */
export const renewLeasesSql = (schema: string): string => `
UPDATE ${schema}.jobs AS job
SET visible_at = now() + $3::double precision * interval '1 millisecond'
FROM unnest($1::bigint[], $2::int[]) AS lease(id, token)
WHERE job.id = lease.id AND job.state = 'Processing' AND job.fetch_count = lease.token
RETURNING job.id::text AS id`;
