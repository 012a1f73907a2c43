/**
 * A setting the storage type leaves unused is said through onWarning, not
 * dropped in silence nor refused: a connection string from appsettings.json
 * under an environment override to Embedded (local work), a data directory
 * under PostgreSql.
 */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import pg from 'pg';
import { loadConfiguration } from '../../src/config/index.js';
import { openStorage, storageOptionsFrom } from '../../src/storage/open-storage.js';
import { settingsDir } from '../config/settings-dir.js';
import { testDatabaseUrl, uniqueSchemaName } from '../support/test-storage.js';

const PASSWORD = 'hunter2-secret';

describe('settings the storage type leaves unused', () => {
  it('Embedded with a connection string from appsettings.json: opens, and warns where the jobs go, never echoing the connection string', async () => {
    const basePath = settingsDir({ 'appsettings.json': { MediatorJobs: { StorageConnectionString: `Host=db.example;Database=jobs;Password=${PASSWORD}` } } });
    const options = loadConfiguration({ basePath, env: { MediatorJobs__StorageTypeName: 'Embedded' } })._unsafeUnwrap();
    const warnings: string[] = [];
    const opened = await openStorage({ ...storageOptionsFrom(options), onWarning: (message) => warnings.push(message) });
    const { storage } = opened._unsafeUnwrap();
    try {
      assert.equal(warnings.length, 1, `one warning: ${JSON.stringify(warnings)}`);
      assert.match(warnings[0] ?? '', /^StorageConnectionString is set but not used: StorageTypeName is Embedded, so jobs are stored in the embedded database \(in memory, lost when the process ends\); set StorageTypeName to PostgreSql/, 'the warning names both settings, where the jobs go and the fix');
      assert.ok(!(warnings[0] ?? '').includes(PASSWORD), 'the connection string (and its password) is not echoed');
    } finally {
      (await storage.close())._unsafeUnwrap();
    }
  });

  it('without an onWarning, the warning reaches the console', async () => {
    const console = mock.method(globalThis.console, 'error', () => undefined);
    let opened;
    try {
      opened = await openStorage({ type: 'Embedded', connectionString: 'Host=db.example' });
    } finally {
      console.mock.restore();
    }
    const { storage } = opened._unsafeUnwrap();
    (await storage.close())._unsafeUnwrap();
    const lines = console.mock.calls.map((call) => String(call.arguments[0]));
    assert.ok(lines.some((line) => /^\[mediator-jobs\] WARN Storage: StorageConnectionString is set but not used/.test(line)), `the console shows the warning: ${JSON.stringify(lines)}`);
  });

  it('PostgreSql with an EmbeddedDataDirectory: opens, and warns that the directory is not used', async () => {
    const connectionString = await testDatabaseUrl();
    const schemaName = uniqueSchemaName('unused');
    const warnings: string[] = [];
    const { storage } = (await openStorage({ type: 'PostgreSql', connectionString, schemaName, embeddedDataDirectory: './local-jobs', onWarning: (message) => warnings.push(message) }))._unsafeUnwrap();
    const admin = new pg.Client(connectionString);
    try {
      assert.deepEqual(warnings, ['EmbeddedDataDirectory "./local-jobs" is set but not used: the storage is PostgreSql, so jobs are stored in the database of the connection string; set StorageTypeName to Embedded to use the directory'], 'the warning names the directory and the storage used');
    } finally {
      (await storage.close())._unsafeUnwrap();
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
      await admin.end();
    }
  });
});
