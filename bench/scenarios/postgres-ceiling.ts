/**
 * The database's own ceiling, as a reference row: how many commits per second
 * this server gives a job-shaped single-row INSERT that also sends a NOTIFY
 * (one caller, then 32 callers on their own connections), and how many such
 * rows per second a 1,000-row INSERT ... SELECT unnest writes. Prepared
 * statements throughout, as the libraries use.
 */
import type pg from 'pg';
import type { Sizes } from '../sizes.js';
import { perSecond } from '../stats.js';
import { chunks, numbers } from './job-tracker.js';
import { withClients } from './raw-clients.js';

export async function measurePostgresCeiling(url: string, schema: string, sizes: Sizes): Promise<Record<string, number>> {
  return withClients(url, sizes.concurrentCallers, async (clients) => {
    const [first] = clients;
    await first!.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.rows (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, queue text NOT NULL, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    const insertOne = {
      name: 'ceiling_insert_one',
      text: `WITH inserted AS (INSERT INTO ${schema}.rows (queue, payload) VALUES ('default', $1) RETURNING id) SELECT id, pg_notify('ceiling', 'E') FROM inserted`,
    };
    const insertMany = {
      name: 'ceiling_insert_many',
      text: `WITH inserted AS (INSERT INTO ${schema}.rows (queue, payload) SELECT 'default', p FROM unnest($1::text[]) AS p RETURNING id) SELECT count(*), pg_notify('ceiling', 'E') FROM inserted`,
    };
    const one = (client: pg.Client, n: number) => client.query({ ...insertOne, values: [`{"n":${n}}`] });

    for (let n = 0; n < sizes.warmupJobs; n++) await one(first!, n);
    await Promise.all(clients.map((client, c) => one(client, c)));

    let started = performance.now();
    for (let n = 0; n < sizes.enqueueSingle; n++) await one(first!, n);
    const single = perSecond(sizes.enqueueSingle, performance.now() - started);

    started = performance.now();
    await Promise.all(clients.map(async (client, c) => {
      for (let i = 0; i < sizes.enqueuesPerCaller; i++) await one(client, c * sizes.enqueuesPerCaller + i);
    }));
    const concurrent = perSecond(sizes.concurrentCallers * sizes.enqueuesPerCaller, performance.now() - started);

    const batches = chunks(numbers(0, sizes.batchJobs).map((n) => `{"n":${n}}`), sizes.batchSize);
    await first!.query({ ...insertMany, values: [batches[0]] });
    started = performance.now();
    for (const batch of batches) await first!.query({ ...insertMany, values: [batch] });
    const batch = perSecond(sizes.batchJobs, performance.now() - started);

    return { 'enqueue.single': single, 'enqueue.concurrent': concurrent, 'enqueue.batch': batch };
  });
}
