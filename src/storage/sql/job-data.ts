/** Sets parameter $2 of job $1 to $3 (JSON text); no row back means no such job. */
export const setParameterSql = (schema: string): string => `
INSERT INTO ${schema}.job_parameters (job_id, name, value)
SELECT id, $2, $3 FROM ${schema}.jobs WHERE id = $1
ON CONFLICT (job_id, name) DO UPDATE SET value = excluded.value
RETURNING job_id`;

/** All parameters of job $1; one row with NULL name when the job has none, no row when there is no such job. */
export const getParametersSql = (schema: string): string => `
SELECT p.name, p.value
FROM ${schema}.jobs AS job LEFT JOIN ${schema}.job_parameters AS p ON p.job_id = job.id
WHERE job.id = $1`;

/** Job $1's state and stored result; no row when there is no such job. */
export const getResultSql = (schema: string): string => `
SELECT job.state, r.value AS result
FROM ${schema}.jobs AS job LEFT JOIN ${schema}.job_results AS r ON r.job_id = job.id
WHERE job.id = $1`;
