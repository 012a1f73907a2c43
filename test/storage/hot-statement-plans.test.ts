/**
 * The plans of the hot statements, which our connections plan generically.
 *
 * The fetch after a burst of enqueues: PostgreSQL's statistics still describe
 * an almost empty table, and a plan made with the actual parameters then
 * reads the whole backlog through a bitmap scan and sorts it to take the first
 * LIMIT jobs (PostgreSQL 18 does so here for 20,000 queued jobs). The
 * connections our storage opens plan every prepared statement generically,
 * which keeps the fetch to the ordered fetch index whatever the backlog.
 *
 * Once the statistics know the table, a generic plan of the fetch's join on
 * id alone hashed the whole table; the fetch claims by row address instead
 * (storage/sql/fetch-jobs.ts). The completion, the lease renewal and the
 * creation that claims a job for a local worker (its check for waiting jobs)
 * are checked not to scan the table either, nor is each server's periodic
 * check for stray leases.
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

type HotStatement = 'fetchJobs' | 'changeStates' | 'renewLeases' | 'createClaimedJob' | 'strayLeases' | 'releaseContinuationsOf' | 'sweepContinuations';

/** Arguments of each hot statement (SQL literals), as a batch of one would pass them. */
const SAMPLE_ARGUMENTS: Record<HotStatement, string> = {
  fetchJobs: `'{default}', 100, 'plan-probe', 60000, 'probe/1'`,
  changeStates: `'{1}', '{Processing}', '{1}', '{Succeeded}', '{NULL}', '{f}', '{NULL}', '{NULL}', '{Completed}', '{NULL}', 60000, 'plan-probe', '{NULL}', '{NULL}'`,
  renewLeases: `'{1}', '{1}', 60000`,
  createClaimedJob: `'default', 'Probe', NULL, '{}', NULL, NULL, 'probe', 'plan_probe', '{default}', 'plan-probe', 60000, 'probe/2'`,
  strayLeases: `'plan-probe', 'probe/', '{1}', 1000`,
  releaseContinuationsOf: `'{1}', 100, 'plan-probe', 60000`,
  sweepContinuations: `0, 100, 'plan-probe', 60000`,
};

/** A statement's plan as the database would run it on `db`'s connection, without running it. */
async function planOf(db: Database, schema: string, name: HotStatement): Promise<string> {
  const statement = `plan_probe_${name}_${process.pid}`;
  await db.query(`PREPARE ${statement} AS ${statementsFor(`"${schema}"`)[name]}`);
  try {
    const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) EXECUTE ${statement} (${SAMPLE_ARGUMENTS[name]})`);
    return rows.rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await db.query(`DEALLOCATE ${statement}`);
  }
}

/**
 * Whatever the statistics say, a batch statement never reads the whole jobs
 * table; nor does the stray-lease check, which every server runs each
 * QueuePollInterval. Checked twice: right after the burst, on statistics that
 * still describe an almost empty table (a drain planned then used to join the
 * completion's changes by a scan of the whole table, when they came as one
 * JSON document), and after an ANALYZE.
 */
async function assertNoJobsScan(db: Database, schema: string): Promise<void> {
  for (const name of ['fetchJobs', 'changeStates', 'renewLeases', 'createClaimedJob', 'strayLeases'] as const) {
    const plan = await planOf(db, schema, name);
    assert.doesNotMatch(plan, /Seq Scan on jobs\b/, `${name}:\n${plan}`);
  }
}

async function enqueueBacklog(storage: JobStorage, backlog = BACKLOG): Promise<void> {
  for (let n = 0; n < backlog; n += 1_000) {
    const created = await storage.createJobs(Array.from({ length: Math.min(1_000, backlog - n) }, (_, i) => ({ queue: 'default', state: { name: 'Enqueued' } as const, typeName: 'Backlog', payload: { n: n + i } })));
    assert.ok(created.isOk());
  }
}

/** `count` continuations waiting (Awaiting) for parents scheduled a day ahead. */
async function createWaitingContinuations(storage: JobStorage, count: number): Promise<void> {
  for (let n = 0; n < count; n += 500) {
    const size = Math.min(500, count - n);
    const parents = (await storage.createJobs(Array.from({ length: size }, () => ({ queue: 'default', state: { name: 'Scheduled', runAt: new Date(Date.now() + 86_400_000) } as const, typeName: 'Parent', payload: {} }))))._unsafeUnwrap();
    (await storage.createJobs(parents.map((parentId) => ({ queue: 'default', state: { name: 'Awaiting', parentId, on: 'succeeded' } as const, typeName: 'Child', payload: {} }))))._unsafeUnwrap();
  }
}

/**
 * Statistics taken while no job was Awaiting make `state = 'Awaiting'` look
 * like one row. The completion and the check after creating a continuation
 * must still find continuations through their parents, and a step of the
 * sweep must read only its range: reading every Awaiting job instead made
 * each completion statement read them all once per Awaiting job (400 ms
 * instead of 11 with 1,000 of them).
 */
async function assertContinuationsFoundThroughParents(db: Database, schema: string, storage: JobStorage): Promise<void> {
  await enqueueBacklog(storage, 2_000);
  await db.query(`ANALYZE "${schema}".jobs`);
  await createWaitingContinuations(storage, 2_000);
  const awaitingOnly = /Index Cond: \(state = 'Awaiting'::text\)/;
  for (const name of ['changeStates', 'releaseContinuationsOf'] as const) {
    const plan = await planOf(db, schema, name);
    assert.match(plan, /jobs_parent_idx/, `${name}:\n${plan}`);
    assert.doesNotMatch(plan, awaitingOnly, `${name}:\n${plan}`);
  }
  // The sweep reads a bounded range of the Awaiting jobs, then each of them by id.
  const sweep = await planOf(db, schema, 'sweepContinuations');
  assert.match(sweep, /Index Cond: \(\(state = 'Awaiting'::text\) AND \(id > /, sweep);
  assert.doesNotMatch(sweep, awaitingOnly, sweep);
}

function assertIndexOrdered(plan: string): void {
  assert.match(plan, /Index Scan using jobs_fetch_idx/, plan);
  assert.doesNotMatch(plan, /Bitmap Heap Scan on jobs/, plan);
}

describe('the plans of the hot statements, with 20,000 jobs queued', () => {
  describe('PostgreSql: the connections of a storage opened from a connection string', () => {
    let test: TestStorage;
    let db: Database;
    before(async () => {
      test = await openTestStorage('PostgreSql');
      await enqueueBacklog(test.storage);
      // One connection, so each statement is prepared and explained on the same session.
      db = new PgDatabase({ connection: await testDatabaseUrl(), maxConnections: 1 });
    });
    after(async () => {
      await db.close();
      await test.dispose();
    });

    it('right after the burst, the fetch reads the fetch index in order, not the whole backlog', async () => {
      assertIndexOrdered(await planOf(db, test.options.schemaName!, 'fetchJobs'));
    });

    it('right after the burst, fetch, completion, renewal, claiming creation and the stray-lease check read no whole table', async () => {
      await assertNoJobsScan(db, test.options.schemaName!);
    });

    it('once the statistics know the table, fetch, completion, renewal, claiming creation and the stray-lease check read no whole table', async () => {
      await db.query(`ANALYZE "${test.options.schemaName!}".jobs`);
      await assertNoJobsScan(db, test.options.schemaName!);
    });
  });

  describe('Embedded: a PGlite database the storage opens itself', () => {
    let db: Database;
    const schema = parseSchemaName('plan_probe')._unsafeUnwrap();
    before(async () => {
      // PgliteDatabase.open is the path of an Embedded storage without a PGlite instance of the caller's.
      db = await PgliteDatabase.open();
      assert.ok((await migrate(db, schema)).isOk());
      await enqueueBacklog(new SqlJobStorage(db, schema, { jobExpirationTimeoutMs: 60_000 }));
    });
    after(() => db.close());

    it('right after the burst, the fetch reads the fetch index in order, not the whole backlog', async () => {
      assertIndexOrdered(await planOf(db, schema.name, 'fetchJobs'));
    });

    it('right after the burst, fetch, completion, renewal, claiming creation and the stray-lease check read no whole table', async () => {
      await assertNoJobsScan(db, schema.name);
    });

    it('once the statistics know the table, fetch, completion, renewal, claiming creation and the stray-lease check read no whole table', async () => {
      await db.query(`ANALYZE "${schema.name}".jobs`);
      await assertNoJobsScan(db, schema.name);
    });
  });

  describe('PostgreSql: statements planned while the table was small (500 jobs: a fresh schema, the first fetch)', () => {
    // Not the completion (changeStates): planned on a table under about ten pages, its generic plan joins the
    // changes to the jobs by a scan of the whole table, and keeps doing so until the table's next ANALYZE
    // (autovacuum's, within about a minute of the growth) replans it. See docs/PERFORMANCE.md.
    for (const name of ['fetchJobs', 'renewLeases', 'createClaimedJob', 'strayLeases'] as const) {
      it(`${name} still reads no whole table once 20,000 jobs are queued`, async () => {
        const test = await openTestStorage('PostgreSql');
        const db = new PgDatabase({ connection: await testDatabaseUrl(), maxConnections: 1 });
        const statement = `plan_probe_small_${name}_${process.pid}`;
        try {
          await enqueueBacklog(test.storage, 500);
          await db.query(`PREPARE ${statement} AS ${statementsFor(`"${test.options.schemaName!}"`)[name]}`);
          const explain = async () => (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) EXECUTE ${statement} (${SAMPLE_ARGUMENTS[name]})`)).rows.map((row) => row['QUERY PLAN']).join('\n');
          // The generic plan is made and cached by this first execution, on the small table.
          await explain();
          await enqueueBacklog(test.storage);
          const plan = await explain();
          assert.doesNotMatch(plan, /Seq Scan on jobs\b/, plan);
        } finally {
          await db.close();
          await test.dispose();
        }
      });
    }
  });

  describe('statements planned on statistics from before any continuation, with 2,000 continuations waiting', () => {
    it('PostgreSql: the completion and the continuation check find continuations through their parents; the sweep reads its range', async () => {
      const test = await openTestStorage('PostgreSql');
      const db = new PgDatabase({ connection: await testDatabaseUrl(), maxConnections: 1 });
      try {
        await assertContinuationsFoundThroughParents(db, test.options.schemaName!, test.storage);
      } finally {
        await db.close();
        await test.dispose();
      }
    });

    it('Embedded: the completion and the continuation check find continuations through their parents; the sweep reads its range', async () => {
      const db = await PgliteDatabase.open();
      const schema = parseSchemaName('plan_probe')._unsafeUnwrap();
      try {
        assert.ok((await migrate(db, schema)).isOk());
        await assertContinuationsFoundThroughParents(db, schema.name, new SqlJobStorage(db, schema, { jobExpirationTimeoutMs: 60_000 }));
      } finally {
        await db.close();
      }
    });
  });
});
