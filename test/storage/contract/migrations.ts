/** Schema preparation: concurrent migrators, an idempotent re-run, upgrading a populated schema, refusing newer or missing schemas. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shippedMigrations } from '../../../src/storage/migrations.js';
import { openStorage, type StorageOptions } from '../../../src/storage/open-storage.js';
import { rawConnection, testStorageOptions, type StorageKind, type TestStorage } from '../../support/test-storage.js';

const LATEST = shippedMigrations().length;
const ALL_VERSIONS = shippedMigrations().map((m) => m.version);

/** Fresh options for a schema that does not exist yet, and raw SQL beside it; drops the schema afterwards. */
async function withFreshSchema(kind: StorageKind, work: (options: StorageOptions, sql: TestStorage['sql']) => Promise<void>): Promise<void> {
  const options = await testStorageOptions(kind);
  const raw = await rawConnection(options);
  try {
    await work(options, raw.sql);
  } finally {
    await raw.sql(`DROP SCHEMA IF EXISTS "${options.schemaName!}" CASCADE`);
    await raw.close();
  }
}

/** Takes a current schema back to version 8: the row rules as the CHECK constraints version 1 made. */
async function undoMigration9(sql: TestStorage['sql'], schema: string): Promise<void> {
  await sql(`ALTER TABLE ${schema}.jobs
    ALTER COLUMN state TYPE text, ALTER COLUMN continuation_on TYPE text,
    ADD CONSTRAINT jobs_state_known CHECK (state IN ('Enqueued', 'Scheduled', 'Awaiting', 'Processing', 'Succeeded', 'Failed', 'Deleted')),
    ADD CONSTRAINT jobs_continuation_on_known CHECK (continuation_on IS NULL OR continuation_on IN ('succeeded', 'finished', 'deleted')),
    ADD CONSTRAINT jobs_visible_only_when_queued CHECK ((visible_at IS NOT NULL) = (state IN ('Enqueued', 'Processing')))`);
  await sql(`DROP DOMAIN ${schema}.job_state, ${schema}.job_continuation_condition`);
  await sql(`DELETE FROM ${schema}.migrations WHERE version = 9`);
}

/** Takes a current schema back to version 7. */
async function undoMigration8(sql: TestStorage['sql'], schema: string): Promise<void> {
  await undoMigration9(sql, schema);
  await sql(`DROP INDEX ${schema}.jobs_unique_key_idx`);
  await sql(`ALTER TABLE ${schema}.jobs DROP COLUMN unique_key`);
  await sql(`DELETE FROM ${schema}.migrations WHERE version = 8`);
}

/** Takes a current schema back to version 6. */
async function undoMigration7(sql: TestStorage['sql'], schema: string): Promise<void> {
  await undoMigration8(sql, schema);
  await sql(`DROP TABLE ${schema}.last_successes, ${schema}.job_all_time_counts`);
  await sql(`DELETE FROM ${schema}.migrations WHERE version = 7`);
}

/** Opens, reports what the migration did, and closes again. */
async function openAndClose(options: StorageOptions): Promise<{ applied: readonly number[]; version: number }> {
  const { storage, migration } = (await openStorage(options))._unsafeUnwrap();
  (await storage.close())._unsafeUnwrap();
  return migration;
}

async function ledger(sql: TestStorage['sql'], schemaName: string): Promise<number[]> {
  return (await sql<{ version: number }>(`SELECT version FROM "${schemaName}".migrations ORDER BY version`)).map((row) => row.version);
}

async function tablesIn(sql: TestStorage['sql'], schemaName: string): Promise<string[]> {
  return (await sql<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [schemaName])).map((row) => row.table_name);
}

export function migrationContract(kind: StorageKind): void {
  describe(`migrations (${kind})`, () => {
    it('applies each migration once when two migrators start at the same moment', () =>
      withFreshSchema(kind, async (options, sql) => {
        const opened = await Promise.all([openStorage(options), openStorage(options)]);
        const reports = opened.map((result) => result._unsafeUnwrap().migration);
        for (const result of opened) (await result._unsafeUnwrap().storage.close())._unsafeUnwrap();

        assert.deepEqual(reports.map((r) => r.version), [LATEST, LATEST]);
        assert.deepEqual(reports.flatMap((r) => r.applied).sort((a, b) => a - b), ALL_VERSIONS, 'between them, every migration was applied exactly once');
        assert.ok(reports.some((r) => r.applied.length === 0), 'the second migrator found nothing left to do');
        assert.deepEqual(await ledger(sql, options.schemaName!), ALL_VERSIONS, 'the ledger holds each version once');
        assert.deepEqual(await tablesIn(sql, options.schemaName!), ['job_all_time_counts', 'job_counter_totals', 'job_counters', 'job_history', 'job_parameters', 'job_results', 'job_states', 'jobs', 'last_successes', 'migrations', 'recurring_jobs', 'servers']);

        assert.deepEqual(await openAndClose(options), { applied: [], version: LATEST }, 'opening again applies nothing');
        assert.deepEqual(await ledger(sql, options.schemaName!), ALL_VERSIONS);
      }));

    it('migration 6 keeps the history of jobs written before it, whose first entry is a job_states row', () =>
      withFreshSchema(kind, async (options, sql) => {
        // A version-5 schema: the current one with migrations 6 to 9 undone (a later migration
        // must be undone here too, so this test fails until it is extended).
        assert.equal(LATEST, 9, 'undo every migration after 9 below as well');
        await openAndClose(options);
        const schema = `"${options.schemaName!}"`;
        await undoMigration7(sql, schema);
        await sql(`DROP VIEW ${schema}.job_history`);
        await sql(`ALTER TABLE ${schema}.jobs ${['initial_state', 'initial_reason', 'initial_data'].map((column) => `DROP COLUMN ${column}`).join(', ')}`);
        await sql(`DELETE FROM ${schema}.migrations WHERE version = 6`);
        // Jobs as version 5 wrote them, every history entry in job_states: one waiting, and one
        // whose worker died, its lease run out.
        const [waiting, abandoned] = await sql<{ id: string }>(
          `INSERT INTO ${schema}.jobs (queue, state, type_name, payload, enqueued_at, visible_at, lease_owner, fetch_count)
           VALUES ('default', 'Enqueued', 'Ping', 'null', now(), now(), NULL, 0),
                  ('default', 'Processing', 'Ping', 'null', now() - interval '2 minutes', now() - interval '1 minute', 'old-server', 1)
           RETURNING id::text AS id`,
        );
        await sql(
          `INSERT INTO ${schema}.job_states (job_id, name, reason, data)
           VALUES ($1, 'Enqueued', 'Enqueued by version 5', '{"queue": "default"}'),
                  ($2, 'Enqueued', 'Enqueued by version 5', '{"queue": "default"}'),
                  ($2, 'Processing', 'Fetched by version 5', '{"server": "old-server", "fetchCount": 1}')`,
          [waiting!.id, abandoned!.id],
        );

        const { storage, migration } = (await openStorage(options))._unsafeUnwrap();
        try {
          assert.deepEqual(migration, { applied: [6, 7, 8, 9], version: 9 });
          const entries = async (id: string) => (await storage.jobDetails(id))._unsafeUnwrap()!.history.map((h) => [h.name, h.reason, h.data]);
          assert.deepEqual(await entries(waiting!.id), [['Enqueued', 'Enqueued by version 5', { queue: 'default' }]]);
          assert.deepEqual(await entries(abandoned!.id), [['Processing', 'Fetched by version 5', { server: 'old-server', fetchCount: 1 }], ['Enqueued', 'Enqueued by version 5', { queue: 'default' }]]);
          const fresh = (await storage.createJob({ queue: 'default', state: { name: 'Enqueued' }, typeName: 'Ping', payload: null, reason: 'Enqueued by version 6' }))._unsafeUnwrap();
          const fetched = (await storage.fetchJobs({ queues: ['default'], limit: 3, owner: 'server', leaseMs: 30_000 }))._unsafeUnwrap().map((outcome) => outcome._unsafeUnwrap());
          assert.deepEqual(fetched.map((job) => job.id), [abandoned!.id, waiting!.id, fresh], 'all three are fetched, oldest first');
          for (const job of fetched) (await storage.changeState({ jobId: job.id, from: ['Processing'], lease: job.lease, to: { name: 'Succeeded' } }))._unsafeUnwrap();
          const reasons = async (id: string) => (await entries(id)).map(([name, reason]) => [name, reason]);
          assert.deepEqual(await reasons(abandoned!.id), [['Succeeded', undefined], ['Processing', 'Lease expired; fetched again'], ['Processing', 'Fetched by version 5'], ['Enqueued', 'Enqueued by version 5']]);
          assert.deepEqual(await reasons(waiting!.id), [['Succeeded', undefined], ['Processing', 'Fetched by a worker'], ['Enqueued', 'Enqueued by version 5']]);
          assert.deepEqual(await reasons(fresh), [['Succeeded', undefined], ['Processing', 'Fetched by a worker'], ['Enqueued', 'Enqueued by version 6']]);
        } finally {
          (await storage.close())._unsafeUnwrap();
        }
      }));

    it('migration 7 starts the all-time counts from the hourly totals kept, and nothing is counted twice', () =>
      withFreshSchema(kind, async (options, sql) => {
        assert.equal(LATEST, 9, 'undo every migration after 9 below as well');
        await openAndClose(options);
        const schema = `"${options.schemaName!}"`;
        await undoMigration7(sql, schema);
        // Version 6's counters: totals folded already, and a raw row not folded yet.
        await sql(`INSERT INTO ${schema}.job_counter_totals (bucket, name, count) VALUES
          (date_trunc('hour', now()) - interval '2 hours', 'Succeeded', 40), (date_trunc('hour', now()) - interval '1 hour', 'Succeeded', 2),
          (date_trunc('hour', now()) - interval '1 hour', 'Failed', 3)`);
        await sql(`INSERT INTO ${schema}.job_counters (bucket, name, count) VALUES (date_trunc('hour', now()), 'Succeeded', 5)`);
        const { storage, migration } = (await openStorage(options))._unsafeUnwrap();
        try {
          assert.deepEqual(migration, { applied: [7, 8, 9], version: 9 });
          assert.deepEqual((await storage.allTimeCounts())._unsafeUnwrap(), { succeeded: 47, failed: 3 }, 'the totals plus the raw row');
          assert.equal((await storage.aggregateCounters(100))._unsafeUnwrap(), 1);
          assert.deepEqual((await storage.allTimeCounts())._unsafeUnwrap(), { succeeded: 47, failed: 3 }, 'folding the raw row moves it, it does not add it again');
        } finally {
          (await storage.close())._unsafeUnwrap();
        }
      }));

    it('migration 9 keeps every job and still refuses a state or continuation condition outside its list', () =>
      withFreshSchema(kind, async (options, sql) => {
        assert.equal(LATEST, 9, 'undo every migration after 9 below as well');
        await openAndClose(options);
        const schema = `"${options.schemaName!}"`;
        await undoMigration9(sql, schema);
        const before = (await openStorage({ ...options, prepareSchemaIfNecessary: false }))._unsafeUnwrapErr();
        assert.equal(before.kind, 'SchemaMissing', 'a version-8 schema is not current');
        // Jobs as version 8 wrote them: queued, waiting on a parent, finished.
        await sql(
          `INSERT INTO ${schema}.jobs (id, queue, state, type_name, payload, enqueued_at, visible_at, parent_id, continuation_on)
           VALUES (1, 'default', 'Enqueued', 'Ping', 'null', now(), now(), NULL, NULL),
                  (2, 'default', 'Awaiting', 'Ping', 'null', NULL, NULL, 1, 'succeeded'),
                  (3, 'default', 'Succeeded', 'Ping', 'null', now(), NULL, NULL, NULL)`,
        );
        const { storage, migration } = (await openStorage(options))._unsafeUnwrap();
        try {
          assert.deepEqual(migration, { applied: [9], version: 9 });
          const jobs = await sql<{ id: string; state: string; continuation_on: string | null }>(`SELECT id::text AS id, state, continuation_on FROM ${schema}.jobs ORDER BY id`);
          assert.deepEqual(jobs.map((job) => ({ ...job })), [
            { id: '1', state: 'Enqueued', continuation_on: null },
            { id: '2', state: 'Awaiting', continuation_on: 'succeeded' },
            { id: '3', state: 'Succeeded', continuation_on: null },
          ], 'every job as it was, the states read back as text');
          await assert.rejects(sql(`UPDATE ${schema}.jobs SET state = 'Enqueud' WHERE id = 1`), /job_state/, 'a state outside the list');
          await assert.rejects(sql(`UPDATE ${schema}.jobs SET continuation_on = 'failed' WHERE id = 2`), /job_continuation_condition/, 'a condition outside the list');
          assert.equal((await storage.getState('1'))._unsafeUnwrap(), 'Enqueued', 'the refused changes left the job alone');
          const [fetched] = (await storage.fetchJobs({ queues: ['default'], limit: 1, owner: 'server', leaseMs: 30_000 }))._unsafeUnwrap().map((outcome) => outcome._unsafeUnwrap());
          assert.equal(fetched?.id, '1', 'the statements run on the new column types');
          (await storage.changeState({ jobId: '1', from: ['Processing'], lease: fetched.lease, to: { name: 'Succeeded' } }))._unsafeUnwrap();
          assert.equal((await storage.getState('2'))._unsafeUnwrap(), 'Enqueued', 'its continuation was released');
        } finally {
          (await storage.close())._unsafeUnwrap();
        }
      }));

    it('refuses a schema written by a newer mediator-jobs, changing nothing', () =>
      withFreshSchema(kind, async (options, sql) => {
        await openAndClose(options);
        await sql(`INSERT INTO "${options.schemaName!}".migrations (version, name) VALUES (999, 'from_the_future')`);
        for (const prepareSchemaIfNecessary of [true, false]) {
          const error = (await openStorage({ ...options, prepareSchemaIfNecessary }))._unsafeUnwrapErr();
          assert.equal(error.kind, 'SchemaTooNew', `prepareSchemaIfNecessary ${prepareSchemaIfNecessary}`);
          assert.ok(error.kind === 'SchemaTooNew');
          assert.deepEqual([error.schema, error.databaseVersion, error.libraryVersion], [options.schemaName, 999, LATEST]);
          assert.match(error.message, /\b999\b/);
          assert.match(error.message, new RegExp(`version ${LATEST}\\b`));
          assert.match(error.message, new RegExp(options.schemaName!));
        }
        assert.deepEqual(await ledger(sql, options.schemaName!), [...ALL_VERSIONS, 999]);
      }));

    it('with PrepareSchemaIfNecessary false, reports a missing schema and creates nothing', () =>
      withFreshSchema(kind, async (options, sql) => {
        const absent = (await openStorage({ ...options, prepareSchemaIfNecessary: false }))._unsafeUnwrapErr();
        assert.equal(absent.kind, 'SchemaMissing', 'a schema that does not exist');
        assert.ok(absent.kind === 'SchemaMissing');
        assert.deepEqual([absent.databaseVersion, absent.libraryVersion], [0, LATEST]);
        assert.match(absent.message, /PrepareSchemaIfNecessary/);
        assert.deepEqual(await sql(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [options.schemaName]), [], 'the schema was not created');

        await sql(`CREATE SCHEMA "${options.schemaName!}"`);
        const empty = (await openStorage({ ...options, prepareSchemaIfNecessary: false }))._unsafeUnwrapErr();
        assert.equal(empty.kind, 'SchemaMissing', 'an empty schema');
        assert.deepEqual(await tablesIn(sql, options.schemaName!), [], 'nothing was created in it');
      }));

    it('with PrepareSchemaIfNecessary false, opens a current schema without changing it', () =>
      withFreshSchema(kind, async (options, sql) => {
        await openAndClose(options);
        const { storage, migration } = (await openStorage({ ...options, prepareSchemaIfNecessary: false }))._unsafeUnwrap();
        try {
          assert.deepEqual(migration, { applied: [], version: LATEST });
          const id = (await storage.createJob({ queue: 'default', state: { name: 'Enqueued' }, typeName: 'Ping', payload: null }))._unsafeUnwrap();
          assert.equal((await storage.getState(id))._unsafeUnwrap(), 'Enqueued');
        } finally {
          (await storage.close())._unsafeUnwrap();
        }
        assert.deepEqual(await ledger(sql, options.schemaName!), ALL_VERSIONS);
      }));
  });
}
