/**
 * The embedded database has no autovacuum, so the storage vacuums it: jobs
 * run and expired again and again must not grow the tables without bound
 * (in the default in-memory database, that growth is memory).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SqlJobStorage } from '../../src/storage/sql-job-storage.js';
import { openTestStorage, type TestStorage } from '../support/test-storage.js';

const JOBS_PER_ROUND = 2_000;
const ROUNDS = 10;

/** Creates a round of jobs, runs each to Succeeded, and expires them all (they expire at once: expiration timeout 0). */
async function runAndExpireRound(storage: SqlJobStorage): Promise<void> {
  for (let created = 0; created < JOBS_PER_ROUND; created += 1_000) {
    (await storage.createJobs(Array.from({ length: 1_000 }, (_, n) => ({ queue: 'default', state: { name: 'Enqueued' } as const, typeName: 'Noop', payload: { n } }))))._unsafeUnwrap();
  }
  for (;;) {
    const fetched = (await storage.fetchJobs({ queues: ['default'], limit: 500, owner: 'test', leaseMs: 60_000 }))._unsafeUnwrap();
    if (fetched.length === 0) break;
    const jobs = fetched.map((outcome) => outcome._unsafeUnwrap());
    const applied = (await storage.changeStates(jobs.map((job) => ({ jobId: job.id, from: ['Processing'] as const, lease: job.lease, to: { name: 'Succeeded' as const }, reason: 'Completed', data: { durationMs: 1 } }))))._unsafeUnwrap();
    assert.ok(applied.every(Boolean));
  }
  while ((await storage.expireJobs(500))._unsafeUnwrap() > 0);
}

/** Bytes of the schema's tables with their indexes and TOAST. */
async function schemaBytes(t: TestStorage): Promise<number> {
  const [row] = await t.sql<{ bytes: string }>(
    'SELECT sum(pg_total_relation_size(c.oid))::text AS bytes FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = $2',
    [t.options.schemaName, 'r'],
  );
  return Number(row?.bytes);
}

describe('the embedded database is vacuumed by the storage', () => {
  it(`keeps its tables from growing while ${ROUNDS} rounds of ${JOBS_PER_ROUND} jobs are run and expired`, { timeout: 120_000 }, async () => {
    const t = await openTestStorage('Embedded', { jobExpirationTimeoutMs: 0 });
    try {
      const sizes: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        await runAndExpireRound(t.storage);
        sizes.push(await schemaBytes(t));
      }
      const [jobs] = await t.sql<{ count: number }>(`SELECT count(*)::int AS count FROM "${t.options.schemaName}".jobs`);
      assert.equal(jobs?.count, 0, 'every job expired');
      const mb = sizes.map((bytes) => (bytes / 1_048_576).toFixed(1));
      // Without VACUUM every round adds what the first one took (about 2 MB here): ten rounds would hold ten times the first.
      const firstRound = sizes[0]!;
      const last = sizes[ROUNDS - 1]!;
      assert.ok(last < 3 * firstRound, `the tables stay within three rounds' worth (MB after each round: ${mb.join(', ')})`);
      assert.ok(last - sizes[3]! < firstRound / 2, `no growth after the fourth round beyond half a round's worth (MB after each round: ${mb.join(', ')})`);
    } finally {
      await t.dispose();
    }
  });
});
