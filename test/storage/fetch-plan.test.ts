/**
 * The fetch after a burst of enqueues: PostgreSQL's statistics still describe
 * an almost empty table, and a plan made with the actual parameters then
 * reads the whole backlog through a bitmap scan and sorts it to take the first
 * LIMIT jobs (PostgreSQL 18 does so here for 20,000 queued jobs). The
 * connections our storage opens plan every prepared statement generically,
 * which keeps the fetch to the ordered fetch index whatever the backlog.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/storage/database.js';
import { PgliteDatabase } from '../../src/storage/embedded/pglite-database.js';
import type { JobStorage } from '../../src/storage/job-storage.js';
import { migrate } from '../../src/storage/migrator.js';
import { PgDatabase } from '../../src/storage/postgres/pg-database.js';
import { parseSchemaName } from '../../src/storage/schema-name.js';
import { SqlJobStorage } from '../../src/storage/sql-job-storage.js';
import { statementsFor } from '../../src/storage/sql/statements.js';
import { openTestStorage, testDatabaseUrl, type TestStorage } from '../support/test-storage.js';

const BACKLOG = 20_000;

/** The fetch's plan as the database would run it on `db`'s connection, without running it. */
async function fetchPlan(db: Database, schema: string): Promise<string> {
  const statement = `fetch_plan_${process.pid}`;
  await db.query(`PREPARE ${statement} (text[], int, text, double precision) AS ${statementsFor(`"${schema}"`).fetchJobs}`);
  try {
    const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) EXECUTE ${statement} ('{default}', 100, 'plan-probe', 60000)`);
    return rows.rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await db.query(`DEALLOCATE ${statement}`);
  }
}

async function enqueueBacklog(storage: JobStorage): Promise<void> {
  for (let n = 0; n < BACKLOG; n += 1_000) {
    const created = await storage.createJobs(Array.from({ length: 1_000 }, (_, i) => ({ queue: 'default', state: { name: 'Enqueued' } as const, typeName: 'Backlog', payload: { n: n + i } })));
    assert.ok(created.isOk());
  }
}

function assertIndexOrdered(plan: string): void {
  assert.match(plan, /Index Scan using jobs_fetch_idx/, plan);
  assert.doesNotMatch(plan, /Bitmap Heap Scan on jobs/, plan);
}

describe('the fetch plan right after a burst of enqueues', () => {
  describe('PostgreSql: the connections of a storage opened from a connection string', () => {
    let test: TestStorage;
    before(async () => {
      test = await openTestStorage('PostgreSql');
      await enqueueBacklog(test.storage);
    });
    after(() => test.dispose());

    it('reads the fetch index in order, not the whole backlog', async () => {
      // One connection, so the statement is prepared and explained on the same session.
      const db = new PgDatabase({ connection: await testDatabaseUrl(), maxConnections: 1 });
      try {
        assertIndexOrdered(await fetchPlan(db, test.options.schemaName!));
      } finally {
        await db.close();
      }
    });
  });

  describe('Embedded: a PGlite database the storage opens itself', () => {
    it('reads the fetch index in order, not the whole backlog', async () => {
      // PgliteDatabase.open is the path of an Embedded storage without a PGlite instance of the caller's.
      const db = await PgliteDatabase.open();
      try {
        const schema = parseSchemaName('plan_probe')._unsafeUnwrap();
        assert.ok((await migrate(db, schema)).isOk());
        await enqueueBacklog(new SqlJobStorage(db, schema, { jobExpirationTimeoutMs: 60_000 }));
        assertIndexOrdered(await fetchPlan(db, schema.name));
      } finally {
        await db.close();
      }
    });
  });
});
