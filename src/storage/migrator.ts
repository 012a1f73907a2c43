import { err, errAsync, ok, ResultAsync, type Result } from 'neverthrow';
import type { Database, Queryable } from './database.js';
import { renderMigration, shippedMigrations, type Migration } from './migrations.js';
import type { SchemaName } from './schema-name.js';
import { databaseError, type StorageError } from './storage-error.js';

/** What a migration run did. */
export interface MigrationReport {
  /** Versions applied by this run (empty when the schema was already current). */
  readonly applied: readonly number[];
  /** The schema version now in the database. */
  readonly version: number;
}

/** Thrown inside the migration transaction to roll it back; turned into an error value outside. */
class SchemaRefused extends Error {
  constructor(readonly error: StorageError) {
    super(error.kind);
  }
}

/**
 * Brings the schema up to this library's version: every pending migration,
 * in order, in ONE transaction, under an advisory lock so concurrent servers
 * starting together apply each migration once. A database whose schema is
 * newer than this library is refused, since old code could corrupt new data.
 */
export function migrate(db: Database, schema: SchemaName, readMigrations: () => readonly Migration[] = shippedMigrations): ResultAsync<MigrationReport, StorageError> {
  const read = loadMigrations(readMigrations);
  if (read.isErr()) return errAsync(read.error);
  const migrations = read.value;
  const latest = migrations.length;
  const work = db.transaction(async (tx) => {
    // Serialise migrators per schema. The lock ends with the transaction.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`mediator_jobs.migrate.${schema.name}`]);
    const current = await ledgerVersion(tx, schema);
    if (current > latest) throw new SchemaRefused(tooNew(schema, current, latest));
    // Current: nothing to create, so nothing that needs CREATE rights (an application role often has none).
    if (current === latest) return { applied: [], version: latest };
    await tx.execute(
      `CREATE SCHEMA IF NOT EXISTS ${schema.quoted};
       CREATE TABLE IF NOT EXISTS ${schema.quoted}.migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       );`,
    );
    const pending = migrations.filter((m) => m.version > current);
    for (const migration of pending) {
      await tx.execute(renderMigration(migration, schema.quoted));
      await tx.query(`INSERT INTO ${schema.quoted}.migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
    }
    return { applied: pending.map((m) => m.version), version: latest };
  });
  return ResultAsync.fromPromise(work, (error) => (error instanceof SchemaRefused ? error.error : databaseError('migrating the schema', error)));
}

/**
 * For PrepareSchemaIfNecessary = false: checks the schema someone else
 * created is exactly this library's version, changing nothing.
 */
export function checkSchemaVersion(db: Database, schema: SchemaName, readMigrations: () => readonly Migration[] = shippedMigrations): ResultAsync<MigrationReport, StorageError> {
  const read = loadMigrations(readMigrations);
  if (read.isErr()) return errAsync(read.error);
  const latest = read.value.length;
  return ResultAsync.fromPromise(ledgerVersion(db, schema), (error) => databaseError('reading the schema version', error)).andThen((version) => {
    if (version > latest) return errAsync(tooNew(schema, version, latest));
    if (version < latest) {
      return errAsync<MigrationReport, StorageError>({
        kind: 'SchemaMissing',
        schema: schema.name,
        databaseVersion: version,
        libraryVersion: latest,
        message: `Schema ${schema.name} is at version ${version} but this mediator-jobs needs ${latest}, and PrepareSchemaIfNecessary is false. Set it to true once, or apply the migrations in src/storage/migrations yourself.`,
      });
    }
    return ResultAsync.fromSafePromise(Promise.resolve({ applied: [], version }));
  });
}

/**
 * The shipped migrations, or an error value: reading them throws when a file
 * is missing or unreadable (an incomplete install). `read` is replaceable so
 * tests can make that happen.
 */
function loadMigrations(read: () => readonly Migration[]): Result<readonly Migration[], StorageError> {
  try {
    return ok(read());
  } catch (error) {
    return err(databaseError('reading migrations', error));
  }
}

/**
 * The highest applied migration; 0 when the schema or its ledger does not
 * exist yet. Asks the catalog first rather than failing on the missing table:
 * inside a transaction, a failed statement would abort it.
 */
async function ledgerVersion(db: Queryable, schema: SchemaName): Promise<number> {
  const ledger = await db.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [`${schema.quoted}.migrations`]);
  if (ledger.rows[0]?.found !== true) return 0;
  const { rows } = await db.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${schema.quoted}.migrations`);
  return rows[0]?.version ?? 0;
}

function tooNew(schema: SchemaName, databaseVersion: number, libraryVersion: number): StorageError {
  return {
    kind: 'SchemaTooNew',
    schema: schema.name,
    databaseVersion,
    libraryVersion,
    message: `Schema ${schema.name} is at version ${databaseVersion}, newer than this mediator-jobs (version ${libraryVersion}). Upgrade mediator-jobs on this machine; running old code against a newer schema could corrupt jobs.`,
  };
}
