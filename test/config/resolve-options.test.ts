import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultOptions, resolveOptions, type ConfigError } from '../../src/config/index.js';
import { failOnOk } from './result-helpers.js';

// Settings as they might arrive from JSON: any value type, bypassing the input typing.
function resolveLoose(settings: Record<string, unknown>) {
  return resolveOptions(settings);
}

function errorOf(settings: Record<string, unknown>): ConfigError {
  return resolveLoose(settings).match(failOnOk, (e) => e);
}

function assertInvalid(settings: Record<string, unknown>, key: string, pattern?: RegExp): ConfigError {
  const error = errorOf(settings);
  assert.equal(error.kind, 'InvalidValue', error.message);
  assert.ok('key' in error && error.key === key, error.message);
  assert.ok(error.message.startsWith(`${key} `), error.message);
  if (pattern) assert.match(error.message, pattern);
  return error;
}

void describe('resolveOptions: defaults and storage', () => {
  void it('fills in every default, equal to defaultOptions()', () => {
    const options = resolveOptions({})._unsafeUnwrap();
    assert.deepEqual(options, defaultOptions());
    assert.deepEqual(options.storage, {
      type: 'Embedded',
      connectionString: undefined,
      embeddedDataDirectory: undefined,
      schemaName: 'mediator_jobs',
      prepareSchemaIfNecessary: true,
    });
    assert.equal(options.heartbeatIntervalMs, 30_000);
    assert.equal(options.serverCheckIntervalMs, 60_000);
    assert.equal(options.serverTimeoutMs, 300_000);
    assert.equal(options.workerCount, 10);
    assert.deepEqual(options.queues, ['default']);
    assert.equal(options.serverName, undefined);
    assert.equal(options.queuePollIntervalMs, 5_000);
    assert.equal(options.invisibilityTimeoutMs, 300_000);
    assert.equal(options.jobExpirationTimeoutMs, 86_400_000);
    assert.equal(options.jobExpirationCheckIntervalMs, 3_600_000);
    assert.equal(options.shutdownTimeoutMs, 15_000);
    assert.equal(options.dashboardPath, '/jobs');
  });

  void it('returns frozen options, storage and queues included', () => {
    for (const options of [resolveOptions({ Queues: ['a', 'b'] })._unsafeUnwrap(), defaultOptions()]) {
      assert.ok(Object.isFrozen(options));
      assert.ok(Object.isFrozen(options.storage));
      assert.ok(Object.isFrozen(options.queues));
    }
  });

  void it('infers PostgreSql when only a connection string is given', () => {
    const { storage } = resolveOptions({ StorageConnectionString: 'postgres://u:p@localhost/app' })._unsafeUnwrap();
    assert.equal(storage.type, 'PostgreSql');
    assert.equal(storage.connectionString, 'postgres://u:p@localhost/app');
  });

  void it('keeps an explicit Embedded type, reads the type in any case and an empty string as unset', () => {
    assert.equal(resolveOptions({ StorageTypeName: 'Embedded', StorageConnectionString: 'Host=x' })._unsafeUnwrap().storage.type, 'Embedded');
    assert.equal(resolveOptions({ StorageTypeName: 'postgresql', StorageConnectionString: 'Host=x' })._unsafeUnwrap().storage.type, 'PostgreSql');
    assert.equal(resolveOptions({ StorageTypeName: 'EMBEDDED' })._unsafeUnwrap().storage.type, 'Embedded');
    assert.equal(resolveOptions({ StorageTypeName: '', StorageConnectionString: '' })._unsafeUnwrap().storage.type, 'Embedded');
  });

  void it('reads the embedded data directory, empty meaning in memory', () => {
    assert.equal(resolveOptions({ EmbeddedDataDirectory: './data' })._unsafeUnwrap().storage.embeddedDataDirectory, './data');
    assert.equal(resolveOptions({ EmbeddedDataDirectory: '' })._unsafeUnwrap().storage.embeddedDataDirectory, undefined);
  });

  void it('refuses PostgreSql without a connection string, saying how to set one', () => {
    const error = errorOf({ StorageTypeName: 'PostgreSql' });
    assert.equal(error.kind, 'MissingValue');
    assert.match(error.message, /StorageConnectionString/);
    assert.match(error.message, /MediatorJobs__StorageConnectionString/);
  });

  void it('refuses an unknown storage type, naming the supported ones', () => {
    const error = errorOf({ StorageTypeName: 'Oracle' });
    assert.equal(error.kind, 'UnsupportedStorage');
    assert.match(error.message, /"Oracle"/);
    assert.match(error.message, /PostgreSql/);
    assert.match(error.message, /Embedded/);
  });

  void it('explains that SQL Server storage is not available', () => {
    for (const name of ['MsSql', 'SqlServer', 'sqlserver']) {
      const error = errorOf({ StorageTypeName: name, StorageConnectionString: 'Server=.;Database=jobs' });
      assert.equal(error.kind, 'UnsupportedStorage');
      assert.match(error.message, /SQL Server storage is not available in mediator-jobs/);
      assert.match(error.message, /"PostgreSql" and "Embedded"/);
    }
  });

  void it('refuses unsafe schema names and reads PrepareSchemaIfNecessary', () => {
    for (const name of ['x"; drop table y; --', 'a b', 'ünïcode', 'a'.repeat(64)]) assertInvalid({ SchemaName: name }, 'SchemaName');
    assertInvalid({ SchemaName: 5 }, 'SchemaName', /expected a string/);
    assert.equal(resolveOptions({ SchemaName: 'Jobs_2' })._unsafeUnwrap().storage.schemaName, 'Jobs_2');
    assert.equal(resolveOptions({ PrepareSchemaIfNecessary: 'False' })._unsafeUnwrap().storage.prepareSchemaIfNecessary, false);
    assert.equal(resolveOptions({ PrepareSchemaIfNecessary: false })._unsafeUnwrap().storage.prepareSchemaIfNecessary, false);
    assertInvalid({ PrepareSchemaIfNecessary: 'maybe' }, 'PrepareSchemaIfNecessary', /"maybe".*true or false/);
    assertInvalid({ PrepareSchemaIfNecessary: 1 }, 'PrepareSchemaIfNecessary');
  });

  void it('does not echo a connection string in messages', () => {
    const error = errorOf({ StorageConnectionString: 'postgres://u:secret@h/db', SchemaName: 'a b' });
    assert.doesNotMatch(error.message, /secret/);
  });
});
