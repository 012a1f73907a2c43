/** Schema preparation: concurrent migrators, an idempotent re-run, refusing newer or missing schemas. */
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
        assert.deepEqual(await tablesIn(sql, options.schemaName!), ['job_counter_totals', 'job_counters', 'job_parameters', 'job_results', 'job_states', 'jobs', 'migrations', 'recurring_jobs', 'servers']);

        assert.deepEqual(await openAndClose(options), { applied: [], version: LATEST }, 'opening again applies nothing');
        assert.deepEqual(await ledger(sql, options.schemaName!), ALL_VERSIONS);
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
