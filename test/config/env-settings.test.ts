import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfiguration } from '../../src/config/index.js';
import { settingsDir } from './settings-dir.js';
import { failOnOk } from './result-helpers.js';

function fromEnv(env: Record<string, string | undefined>) {
  return loadConfiguration({ basePath: settingsDir(), env });
}

void describe('loadConfiguration: environment variables', () => {
  void it('parses numbers, booleans and durations from strings', () => {
    const options = fromEnv({
      MediatorJobs__WorkerCount: '4',
      MediatorJobs__PrepareSchemaIfNecessary: 'false',
      MediatorJobs__HeartbeatInterval: '00:00:15',
      MediatorJobs__StorageConnectionString: 'postgres://localhost/jobs',
    })._unsafeUnwrap();
    assert.equal(options.workerCount, 4);
    assert.equal(options.storage.prepareSchemaIfNecessary, false);
    assert.equal(options.heartbeatIntervalMs, 15_000);
    assert.equal(options.storage.type, 'PostgreSql');
  });

  void it('refuses a bare number duration and says which variable set it', () => {
    const error = fromEnv({ MediatorJobs__ServerCheckInterval: '1' }).match(failOnOk, (e) => e);
    assert.equal(error.kind, 'InvalidValue');
    assert.match(error.message, /ServerCheckInterval "1" is invalid.*minutes.*"1m"/);
    assert.match(error.message, /environment variable MediatorJobs__ServerCheckInterval/);
  });

  void it('reads Queues comma-separated', () => {
    assert.deepEqual(fromEnv({ MediatorJobs__Queues: 'critical,default' })._unsafeUnwrap().queues, ['critical', 'default']);
  });

  void it('reads Queues indexed like .NET, ordered by index', () => {
    const env = { MediatorJobs__Queues__1: 'default', MediatorJobs__Queues__0: 'critical', MediatorJobs__Queues__10: 'low' };
    assert.deepEqual(fromEnv(env)._unsafeUnwrap().queues, ['critical', 'default', 'low']);
  });

  void it('sets indexed Queues over a file\'s list index by index, as .NET configuration does', () => {
    const basePath = settingsDir({ 'appsettings.json': { MediatorJobs: { Queues: ['critical', 'default', 'low'] } } });
    const load = (env: Record<string, string>) => loadConfiguration({ basePath, env })._unsafeUnwrap().queues;
    assert.deepEqual(load({ MediatorJobs__Queues__1: 'normal' }), ['critical', 'normal', 'low']);
    assert.deepEqual(load({ MediatorJobs__Queues__3: 'bulk' }), ['critical', 'default', 'low', 'bulk']);
    assert.deepEqual(load({ MediatorJobs__Queues: 'only' }), ['only'], 'a whole value still replaces the list');
  });

  void it('prefers indexed Queues over a comma-separated value', () => {
    const env = { MediatorJobs__Queues: 'a,b', MediatorJobs__Queues__0: 'c' };
    assert.deepEqual(fromEnv(env)._unsafeUnwrap().queues, ['c']);
  });

  void it('refuses duplicate queues from variables', () => {
    const error = fromEnv({ MediatorJobs__Queues__0: 'a', MediatorJobs__Queues__1: 'a' }).match(failOnOk, (e) => e);
    assert.equal(error.kind, 'InvalidValue');
    assert.match(error.message, /listed twice/);
  });

  void it('accepts HangFireOptions__ variables; MediatorJobs__ wins key by key', () => {
    const options = fromEnv({
      HangFireOptions__WorkerCount: '9',
      HangFireOptions__ServerName: 'legacy',
      MediatorJobs__WorkerCount: '2',
    })._unsafeUnwrap();
    assert.equal(options.workerCount, 2);
    assert.equal(options.serverName, 'legacy');
  });

  void it('matches names in any case, accepts ":" and skips empty, unknown and other variables', () => {
    const options = fromEnv({
      MEDIATORJOBS__WORKERCOUNT: '5',
      'MediatorJobs:ServerName': 'colon',
      MediatorJobs__ShutdownTimeout: '',
      MediatorJobs__Unknown: 'x',
      MediatorJobs__WorkerCount__0: 'ignored',
      WorkerCount: '99',
      PATH: '/usr/bin',
    })._unsafeUnwrap();
    assert.equal(options.workerCount, 5);
    assert.equal(options.serverName, 'colon');
    assert.equal(options.shutdownTimeoutMs, 15_000);
  });

  void it('refuses bad values from variables', () => {
    for (const [name, value] of [
      ['MediatorJobs__WorkerCount', 'lots'],
      ['MediatorJobs__PrepareSchemaIfNecessary', 'maybe'],
      ['MediatorJobs__HeartbeatInterval', 'soon'],
      ['MediatorJobs__SchemaName', 'x"; drop table y; --'],
    ] as const) {
      const error = fromEnv({ [name]: value }).match(failOnOk, (e) => e);
      assert.equal(error.kind, 'InvalidValue', name);
      assert.ok(error.message.includes(JSON.stringify(value)), error.message);
    }
  });
});
