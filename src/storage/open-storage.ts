import { errAsync, ResultAsync } from 'neverthrow';
import type pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { DEFAULT_JOB_EXPIRATION_TIMEOUT_MS, DEFAULT_SCHEMA_NAME } from '../config/defaults.js';
import type { MediatorJobsOptions } from '../config/options.js';
import { consoleLogger, describeError } from '../logging/logger.js';
import type { Database } from './database.js';
import { dataDirectoryPath } from './embedded/data-directory.js';
import { PgliteDatabase } from './embedded/pglite-database.js';
import { checkSchemaVersion, migrate, type MigrationReport } from './migrator.js';
import { parseConnectionString, type ConnectionConfig } from './postgres/connection-string.js';
import { PgDatabase } from './postgres/pg-database.js';
import { quoteForMessage } from './input-validation.js';
import { parseSchemaName } from './schema-name.js';
import { SqlJobStorage } from './sql-job-storage.js';
import { databaseError, type StorageError } from './storage-error.js';
import { unusedStorageSettings } from './unused-storage-settings.js';


/** Where and how to open storage. */
export interface StorageOptions {
  /** `PostgreSql` needs `connectionString` (or `pool`); `Embedded` runs PGlite in this process. */
  readonly type: 'PostgreSql' | 'Embedded';
  readonly connectionString?: string | undefined;
  /**
   * An existing pool to use instead of a connection string; the caller closes
   * it. Its session settings are the caller's: open its connections with
   * `options: GENERIC_PLANS_OPTION` as ours are, or fetches right after a burst
   * of enqueues may read the whole backlog (see generic-plans.ts).
   */
  readonly pool?: pg.Pool | undefined;
  /** PGlite directory; absent means in memory. */
  readonly embeddedDataDirectory?: string | undefined;
  /** An existing PGlite instance to use; the caller closes it (and runs `GENERIC_PLANS_SQL` on it, as for `pool`). */
  readonly pglite?: PGlite | undefined;
  readonly schemaName?: string | undefined;
  /** Create or upgrade the schema on open (default true); when false, refuse a schema of another version. */
  readonly prepareSchemaIfNecessary?: boolean | undefined;
  readonly jobExpirationTimeoutMs?: number | undefined;
  /**
   * Told about problems the storage recovers from by itself (a dropped
   * listening connection, a failed VACUUM of the embedded database...), and
   * at open about a setting the storage type leaves unused (a connection
   * string under Embedded, a data directory under PostgreSql; `cause` undefined).
   * Default: a warning on the console, as the engine's default logger writes
   * them; pass your logger's `warn` to route them elsewhere.
   */
  readonly onWarning?: ((message: string, cause: unknown) => void) | undefined;
}

/** Opened storage and what its schema preparation did. */
export interface OpenedStorage {
  readonly storage: SqlJobStorage;
  readonly migration: MigrationReport;
}

/**
 * Opens storage: validates the schema name before any SQL exists, connects,
 * then prepares (or checks) the schema. On any failure the connection is
 * closed again and the error is returned.
 */
export function openStorage(given: StorageOptions): ResultAsync<OpenedStorage, StorageError> {
  // Guards callers without type checking; a typed caller cannot get here.
  if (typeof given !== 'object' || given === null) {
    return errAsync({ kind: 'InvalidInput', operation: 'opening the storage', message: 'openStorage takes the storage options: { type: "Embedded" | "PostgreSql", ... }.' });
  }
  let copied: StorageOptions;
  try {
    copied = { ...given };
  } catch (error) {
    return errAsync({ kind: 'InvalidInput', operation: 'opening the storage', message: `The storage options cannot be read: ${describeError(error)}.` });
  }
  // Any other type used to be taken for PostgreSql: { type: 'embedded' } was told it needs a connection string.
  if (copied.type !== 'Embedded' && copied.type !== 'PostgreSql') {
    return errAsync({ kind: 'InvalidInput', operation: 'opening the storage', message: `type must be "Embedded" or "PostgreSql", written so, ${copied.type === undefined ? 'and none was given' : `not ${quoteForMessage(copied.type)}`}.` });
  }
  // Left unset, a recovered failure would pass in silence: an operator would never learn the listener keeps dropping.
  const options = { ...copied, onWarning: copied.onWarning ?? warnOnConsole };
  for (const unused of unusedStorageSettings(options)) options.onWarning(unused, undefined);
  const schema = parseSchemaName(options.schemaName ?? DEFAULT_SCHEMA_NAME);
  if (schema.isErr()) return errAsync(schema.error);
  const connected = connect(options);
  if (connected === undefined) {
    return errAsync({ kind: 'InvalidInput', operation: 'opening storage', message: 'PostgreSql storage needs a connection string (StorageConnectionString) or a pool.' });
  }
  return connected.andThen((db) => {
    const prepared = options.prepareSchemaIfNecessary === false ? checkSchemaVersion(db, schema.value) : migrate(db, schema.value);
    return prepared
      .map((migration) => ({
        storage: new SqlJobStorage(db, schema.value, { jobExpirationTimeoutMs: options.jobExpirationTimeoutMs ?? DEFAULT_JOB_EXPIRATION_TIMEOUT_MS, onWarning: options.onWarning }),
        migration,
      }))
      .orElse((error) => closeQuietly(db, options).andThen(() => errAsync(error)));
  });
}

/** The default `onWarning`: what happened and why (when there is a cause), as a warning on the console. */
function warnOnConsole(message: string, cause: unknown): void {
  consoleLogger().warn(cause === undefined ? `Storage: ${message}` : `Storage: ${message}: ${describeError(cause)}`);
}

/** Storage options from the resolved configuration (appsettings, environment, code). */
export function storageOptionsFrom(options: MediatorJobsOptions): StorageOptions {
  return { ...options.storage, jobExpirationTimeoutMs: options.jobExpirationTimeoutMs };
}

function connect(options: StorageOptions): ResultAsync<Database, StorageError> | undefined {
  if (options.type === 'Embedded') {
    const dataDirectory = dataDirectoryPath(options.embeddedDataDirectory);
    if (dataDirectory.isErr()) return errAsync({ kind: 'InvalidInput', operation: 'opening the embedded database', message: `${dataDirectory.error}.` });
    return ResultAsync.fromPromise(
      PgliteDatabase.open({ dataDirectory: dataDirectory.value, instance: options.pglite }),
      (error) => databaseError('opening the embedded database', error),
    );
  }
  let connection: pg.Pool | ConnectionConfig;
  if (options.pool !== undefined) connection = options.pool;
  else {
    if (options.connectionString === undefined || options.connectionString === '') return undefined;
    const parsed = parseConnectionString(options.connectionString);
    if (parsed.isErr()) return errAsync({ kind: 'InvalidInput', operation: 'connecting to PostgreSQL', message: `The connection string cannot be read: ${parsed.error}.` });
    connection = parsed.value;
  }
  const db = new PgDatabase({ connection, onWarning: options.onWarning });
  // Connect once now so a wrong address or password is reported at open, not at the first job.
  return ResultAsync.fromPromise(db.query('SELECT 1'), (error) => databaseError('connecting to PostgreSQL', error))
    .map(() => db as Database)
    .orElse((error) => closeQuietly(db, options).andThen(() => errAsync(error)));
}

/** Closes a database we are abandoning because of another error; a failure to close is only worth a warning. */
function closeQuietly(db: Database, options: StorageOptions): ResultAsync<void, never> {
  return ResultAsync.fromSafePromise(
    db.close().catch((error: unknown) => options.onWarning?.('closing the database after a failed open also failed', error)),
  );
}
