/**
 * The database's own ceiling for processing, as reference rows: no library,
 * no handler, prepared statements, LOOPS concurrent loops on their own
 * connections, each claiming BATCH jobs per statement until the queue is
 * empty. BATCH is as large as graphile-worker's local queue in its preset:
 * larger claims raise both figures on this server (a sweep of 2 to 8 loops
 * and 100 to 500 per statement peaked here). Two designs on the narrowest
 * tables that can hold them:
 *
 * - `process.bare`: claim (lease the rows, SKIP LOCKED) and delete. What a
 *   queue without history or results needs (the "claim+delete"
 *   figure; graphile-worker and pg-boss do more than this).
 * - `process`: claim and complete, each writing one history row per job: the
 *   least our guarantees need (a job is kept with its final state and the
 *   history of its Processing and Succeeded states; the completion is fenced
 *   by the fetch count). No result rows, counters, continuations, parameters
 *   or extra indexes: a figure no design of ours can pass.
 */
import type pg from 'pg';
import type { Sizes } from '../sizes.js';
import { perSecond } from '../stats.js';
import { chunks, numbers } from './job-tracker.js';
import { withClients } from './raw-clients.js';

const BATCH = 500;
const LOOPS = 4;

export async function measureProcessingCeiling(url: string, schema: string, sizes: Sizes): Promise<Record<string, number>> {
  return withClients(url, LOOPS, async (clients) => {
    const [first] = clients;
    await first!.query(`
      CREATE TABLE ${schema}.queue (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, queue text NOT NULL, payload text NOT NULL, visible_at timestamptz, fetch_count int NOT NULL DEFAULT 0, lease_owner text);
      CREATE INDEX ON ${schema}.queue (queue, visible_at, id);
      CREATE TABLE ${schema}.jobs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, queue text NOT NULL, state text NOT NULL, payload text NOT NULL, visible_at timestamptz, fetch_count int NOT NULL DEFAULT 0, lease_owner text);
      CREATE INDEX ON ${schema}.jobs (queue, visible_at, id) WHERE visible_at IS NOT NULL;
      CREATE TABLE ${schema}.history (job_id bigint NOT NULL, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
      CREATE INDEX ON ${schema}.history (job_id);`);
    const payloads = chunks(numbers(0, sizes.processJobs).map((n) => `{"n":${n}}`), sizes.batchSize);

    for (const batch of payloads) await first!.query(`INSERT INTO ${schema}.queue (queue, payload, visible_at) SELECT 'default', p, now() FROM unnest($1::text[]) AS p`, [batch]);
    const bare = await drainAll(clients, (client) => claimAndDelete(client, schema));

    for (const batch of payloads) {
      await first!.query(`WITH job AS (INSERT INTO ${schema}.jobs (queue, state, payload, visible_at) SELECT 'default', 'Enqueued', p, now() FROM unnest($1::text[]) AS p RETURNING id)
        INSERT INTO ${schema}.history (job_id, name) SELECT id, 'Enqueued' FROM job`, [batch]);
    }
    const withHistory = await drainAll(clients, (client) => claimAndComplete(client, schema));

    for (const [label, done] of [['bare', bare], ['with history', withHistory]] as const) {
      if (done.jobs !== sizes.processJobs) throw new Error(`${label}: completed ${done.jobs} jobs, expected ${sizes.processJobs}`);
    }
    return { 'process.bare': perSecond(bare.jobs, bare.ms), process: perSecond(withHistory.jobs, withHistory.ms) };
  });
}

/** Runs one loop per client until each finds the queue empty; returns the jobs done and the time taken. */
async function drainAll(clients: pg.Client[], step: (client: pg.Client) => Promise<number>): Promise<{ jobs: number; ms: number }> {
  const started = performance.now();
  const counts = await Promise.all(clients.map(async (client) => {
    let jobs = 0;
    for (let done = await step(client); done > 0; done = await step(client)) jobs += done;
    return jobs;
  }));
  return { jobs: counts.reduce((sum, n) => sum + n, 0), ms: performance.now() - started };
}

async function claimAndDelete(client: pg.Client, schema: string): Promise<number> {
  const claimed = await client.query<{ id: string }>({
    name: 'ceiling_claim_bare',
    text: `WITH candidates AS (SELECT id FROM ${schema}.queue WHERE queue = 'default' AND visible_at <= now() ORDER BY visible_at, id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      UPDATE ${schema}.queue AS q SET visible_at = now() + interval '1 minute', lease_owner = 'ceiling', fetch_count = q.fetch_count + 1
      FROM candidates WHERE q.id = candidates.id RETURNING q.id, q.payload`,
  });
  if (claimed.rows.length === 0) return 0;
  await client.query({ name: 'ceiling_delete_bare', text: `DELETE FROM ${schema}.queue WHERE id = ANY ($1::bigint[])`, values: [claimed.rows.map((row) => row.id)] });
  return claimed.rows.length;
}

async function claimAndComplete(client: pg.Client, schema: string): Promise<number> {
  const claimed = await client.query<{ id: string; fetch_count: number }>({
    name: 'ceiling_claim_history',
    text: `WITH candidates AS (SELECT id FROM ${schema}.jobs WHERE queue = 'default' AND visible_at <= now() ORDER BY visible_at, id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED),
      claimed AS (UPDATE ${schema}.jobs AS job SET state = 'Processing', visible_at = now() + interval '1 minute', lease_owner = 'ceiling', fetch_count = job.fetch_count + 1
        FROM candidates WHERE job.id = candidates.id RETURNING job.id, job.payload, job.fetch_count),
      history AS (INSERT INTO ${schema}.history (job_id, name) SELECT id, 'Processing' FROM claimed)
      SELECT id, payload, fetch_count FROM claimed`,
  });
  if (claimed.rows.length === 0) return 0;
  await client.query({
    name: 'ceiling_complete_history',
    text: `WITH done AS (UPDATE ${schema}.jobs AS job SET state = 'Succeeded', visible_at = NULL, lease_owner = NULL
        FROM unnest($1::bigint[], $2::int[]) AS c(id, token) WHERE job.id = c.id AND job.state = 'Processing' AND job.fetch_count = c.token RETURNING job.id)
      INSERT INTO ${schema}.history (job_id, name) SELECT id, 'Succeeded' FROM done`,
    values: [claimed.rows.map((row) => row.id), claimed.rows.map((row) => row.fetch_count)],
  });
  return claimed.rows.length;
}
