/**
 * Puts N finished jobs into our tables, as a long-running system would have
 * them: each Succeeded job with its three history entries (Enqueued in the
 * jobs row, Processing and Succeeded in job_states) and its stored result, created over the last 20 hours and not
 * yet expired. Written with INSERT ... SELECT generate_series, which is
 * faster than any client could be, then ANALYZEd so the planner knows.
 * Follows the columns of src/storage/migrations/*.sql; a schema change there
 * may need the same change here.
 */
import type { RawSql } from '../subjects/ours.js';

export async function fillFinishedHistory(sql: RawSql, schema: string, count: number, log: (line: string) => void): Promise<number> {
  const started = performance.now();
  const spread = `(now() - interval '20 hours' + g * (interval '20 hours' / ${count}))`;
  await sql.query(`
    INSERT INTO ${schema}.jobs (id, queue, state, type_name, payload, display_name, created_at, state_changed_at,
                                enqueued_at, fetch_count, expire_at, initial_state, initial_reason, initial_data)
    SELECT g, 'default', 'Succeeded', 'BenchNoop', '{"n":' || g || '}', 'BenchNoop', ${spread}, ${spread} + interval '10 ms',
           ${spread}, 1, ${spread} + interval '10 ms' + interval '1 day', 'Enqueued', 'Enqueued by the client', '{"queue":"default"}'
    FROM generate_series(1, ${count}) AS g`);
  await sql.query(`SELECT setval('${schema}.jobs_id_seq', ${count})`);
  await sql.query(`
    INSERT INTO ${schema}.job_states (job_id, name, reason, data, created_at)
    SELECT g, h.name, h.reason, h.data, ${spread} + h.after
    FROM generate_series(1, ${count}) AS g
    CROSS JOIN (VALUES ('Processing', 'Fetched by a worker', '{"server":"bench-history","fetchCount":1}'::jsonb, interval '5 ms'),
                       ('Succeeded', 'Completed', '{"durationMs":1}'::jsonb, interval '10 ms')) AS h(name, reason, data, after)`);
  await sql.query(`INSERT INTO ${schema}.job_results (job_id, value) SELECT g, g::text FROM generate_series(1, ${count}) AS g`);
  await sql.query(`INSERT INTO ${schema}.job_counters (bucket, name, count) VALUES (date_trunc('hour', now()), 'Succeeded', ${count})`);
  for (const table of ['jobs', 'job_states', 'job_results', 'job_counters']) await sql.query(`ANALYZE ${schema}.${table}`);
  const seconds = (performance.now() - started) / 1000;
  log(`${count.toLocaleString('en')} finished jobs with history written and analyzed in ${seconds.toFixed(1)} s`);
  return seconds;
}
