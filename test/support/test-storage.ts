import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openStorage, type StorageOptions } from '../../src/storage/open-storage.js';
import type { SqlJobStorage } from '../../src/storage/sql-job-storage.js';
import { startThrowawayPostgres } from './embedded-postgres-server.js';
import { assertRowRules } from './row-rules.js';

/** The two storage adapters every contract test runs against. */
export type StorageKind = 'PostgreSql' | 'Embedded';
export const STORAGE_KINDS: readonly StorageKind[] = ['PostgreSql', 'Embedded'];

let urlPromise: Promise<string> | undefined;
let pglitePromise: Promise<PGlite> | undefined;
let ownServer: { stop(): Promise<void> } | undefined;

// Registered when this module loads, at the top level of the test file, so the
// shared resources live until the whole file is done (not just the first test
// that asked for them).
after(async () => {
  if (pglitePromise !== undefined) await (await pglitePromise).close();
  await ownServer?.stop();
});

/**
 * The PostgreSQL URL for this test process: DATABASE_URL (set by `npm test`),
 * or, when a file is run on its own, a throwaway server started for it.
 */
export function testDatabaseUrl(): Promise<string> {
  urlPromise ??= (async () => {
    const fromEnvironment = process.env.DATABASE_URL;
    if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;
    const server = await startThrowawayPostgres();
    ownServer = server;
    return server.url;
  })();
  return urlPromise;
}

/** One PGlite instance per test process (it takes seconds to start); tests isolate by schema. */
export function sharedPglite(): Promise<PGlite> {
  pglitePromise ??= (async () => {
    const db = new PGlite();
    await db.waitReady;
    return db;
  })();
  return pglitePromise;
}

/** A schema name no other test uses. */
export function uniqueSchemaName(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Storage options for a fresh schema on the given adapter. */
export async function testStorageOptions(kind: StorageKind, overrides: Partial<StorageOptions> = {}): Promise<StorageOptions> {
  const base: StorageOptions =
    kind === 'PostgreSql'
      ? { type: 'PostgreSql', connectionString: await testDatabaseUrl(), schemaName: uniqueSchemaName() }
      : { type: 'Embedded', pglite: await sharedPglite(), schemaName: uniqueSchemaName() };
  return { ...base, ...overrides };
}

/** A test's storage in its own schema; `dispose` closes it and drops the schema. */
export interface TestStorage {
  readonly storage: SqlJobStorage;
  readonly options: StorageOptions;
  /** Runs raw SQL against the same database (to corrupt rows, inspect tables...). */
  sql<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<Row[]>;
  dispose(): Promise<void>;
}

export async function openTestStorage(kind: StorageKind, overrides: Partial<StorageOptions> = {}): Promise<TestStorage> {
  const options = await testStorageOptions(kind, overrides);
  const opened = await openStorage(options);
  if (opened.isErr()) throw new Error(`opening test storage failed: ${opened.error.kind}: ${'message' in opened.error ? opened.error.message : ''}`);
  const { storage } = opened.value;
  const raw = await rawConnection(options);
  return {
    storage,
    options,
    sql: raw.sql,
    async dispose() {
      const closed = await storage.close();
      if (closed.isErr()) throw new Error(`closing test storage failed: ${closed.error.kind}`);
      const schemaExists = await raw.sql<{ found: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS found`, [`"${options.schemaName}".jobs`]);
      if (schemaExists[0]?.found === true) await assertRowRules(raw, `"${options.schemaName}"`);
      await raw.sql(`DROP SCHEMA IF EXISTS "${options.schemaName}" CASCADE`);
      await raw.close();
    },
  };
}

/** A plain connection beside the storage's own, for test set-up and inspection. */
export async function rawConnection(options: StorageOptions): Promise<{ sql: TestStorage['sql']; close(): Promise<void> }> {
  if (options.type === 'Embedded') {
    const db = options.pglite ?? (await sharedPglite());
    return { sql: async (text, values) => (await db.query<never>(text, values)).rows, close: async () => undefined };
  }
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 2 });
  return { sql: async (text, values) => (await pool.query(text, values)).rows as never[], close: () => pool.end() };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
