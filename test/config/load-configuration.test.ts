import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultOptions, loadConfiguration } from '../../src/config/index.js';
import { settingsDir } from './settings-dir.js';
import { failOnOk } from './result-helpers.js';

void describe('loadConfiguration: sources and precedence', () => {
  void it('gives the defaults when there are no files and no variables', () => {
    const basePath = settingsDir();
    assert.deepEqual(loadConfiguration({ basePath, env: {} })._unsafeUnwrap(), defaultOptions());
  });

  void it('refuses a basePath that is not a directory rather than giving the defaults', () => {
    const basePath = settingsDir({ 'appsettings.json': { MediatorJobs: { WorkerCount: 3 } } });
    assert.equal(loadConfiguration({ basePath, env: {} })._unsafeUnwrap().workerCount, 3);
    for (const wrong of [join(basePath, 'no-such-dir'), join(basePath, 'appsettings.json')]) {
      const error = loadConfiguration({ basePath: wrong, env: {} }).match(failOnOk, (e) => e);
      assert.equal(error.kind, 'InvalidValue');
      assert.match(error.message, /^basePath ".*" is invalid: the directory of the appsettings files does not exist or is not a directory/);
    }
  });

  void it('infers PostgreSql when only a connection string is configured', () => {
    const basePath = settingsDir({ 'appsettings.json': { MediatorJobs: { StorageConnectionString: 'Host=db;Database=jobs' } } });
    const { storage } = loadConfiguration({ basePath, env: {} })._unsafeUnwrap();
    assert.equal(storage.type, 'PostgreSql');
    assert.equal(storage.connectionString, 'Host=db;Database=jobs');
  });

  void it('layers base file < environment file < environment variables < overrides, key by key', () => {
    const basePath = settingsDir({
      'appsettings.json': {
        MediatorJobs: { WorkerCount: 1, Queues: ['base'], ServerName: 'from-base', SchemaName: 'base_schema', DashboardPath: '/base' },
      },
      'appsettings.Development.json': { MediatorJobs: { WorkerCount: 2, Queues: ['dev'], ServerName: 'from-dev' } },
    });
    const options = loadConfiguration({
      basePath,
      environment: 'Development',
      env: { MediatorJobs__WorkerCount: '3', MediatorJobs__ServerName: 'from-env' },
      overrides: { WorkerCount: 4 },
    })._unsafeUnwrap();
    assert.equal(options.workerCount, 4); // set in every layer: overrides win
    assert.equal(options.serverName, 'from-env'); // base, dev file, env
    assert.deepEqual(options.queues, ['dev']); // base, dev file
    assert.equal(options.storage.schemaName, 'base_schema'); // only in the base file
    assert.equal(options.dashboardPath, '/base');
  });

  void it('refuses overrides that are not an object (an untyped caller\'s), naming overrides, rather than ignoring them', () => {
    const basePath = settingsDir();
    for (const [what, overrides] of [['a string', 'WorkerCount=4'], ['a number', 4], ['a list', [{ WorkerCount: 4 }]], ['a boolean', true], ['a function', () => ({ WorkerCount: 4 })]] as const) {
      const error = loadConfiguration({ basePath, env: {}, overrides: overrides as never }).match(failOnOk, (e) => e);
      assert.equal(error.kind, 'InvalidValue', `overrides given as ${what}: ${error.message}`);
      assert.match(error.message, /^overrides .* is invalid: expected an object of settings, e\.g\. \{ WorkerCount: 4 \}$/, `overrides given as ${what}: the message names overrides and what is expected`);
    }
    assert.equal(loadConfiguration({ basePath, env: {}, overrides: null as never })._unsafeUnwrap().workerCount, defaultOptions().workerCount, 'null overrides are none, as JavaScript callers pass them');
  });

  void it('takes null options as none and refuses options that are not an object, without throwing', () => {
    let outcome;
    try {
      outcome = loadConfiguration(null as never);
    } catch (error) {
      assert.fail(`loadConfiguration(null) threw: ${String(error)}`);
    }
    assert.ok(outcome.isOk(), 'null options are none, as JavaScript callers pass them');
    const error = loadConfiguration('./config' as never).match(failOnOk, (e) => e);
    assert.equal(error.kind, 'InvalidValue', `a string for the options: ${error.message}`);
    assert.match(error.message, /^loadConfiguration options "\.\/config" is invalid: expected an object like \{ basePath, environment, env, overrides \}/, 'the message names the options and what is expected');
  });

  void it('takes the environment from the option, else from NODE_ENV in env', () => {
    const basePath = settingsDir({
      'appsettings.Staging.json': { MediatorJobs: { WorkerCount: 7 } },
      'appsettings.Production.json': { MediatorJobs: { WorkerCount: 8 } },
    });
    assert.equal(loadConfiguration({ basePath, env: { NODE_ENV: 'Production' } })._unsafeUnwrap().workerCount, 8);
    const chosen = loadConfiguration({ basePath, environment: 'Staging', env: { NODE_ENV: 'Production' } });
    assert.equal(chosen._unsafeUnwrap().workerCount, 7);
    assert.equal(loadConfiguration({ basePath, env: {} })._unsafeUnwrap().workerCount, 10);
    assert.equal(loadConfiguration({ basePath, env: { NODE_ENV: 'Test' } })._unsafeUnwrap().workerCount, 10);
  });

  void it('finds appsettings.Development.json for NODE_ENV=development', () => {
    const basePath = settingsDir({ 'appsettings.Development.json': { MediatorJobs: { WorkerCount: 5 } } });
    assert.equal(loadConfiguration({ basePath, env: { NODE_ENV: 'development' } })._unsafeUnwrap().workerCount, 5);
  });

  void it('refuses an environment name that could leave basePath', () => {
    const error = loadConfiguration({ basePath: settingsDir(), environment: '../etc', env: {} }).match(failOnOk, (e) => e);
    assert.equal(error.kind, 'InvalidValue');
    assert.match(error.message, /Environment "..\/etc"/);
  });

  void it('reads process.env when no env is given', () => {
    const name = 'MediatorJobs__WorkerCount';
    const saved = process.env[name];
    process.env[name] = '12';
    try {
      assert.equal(loadConfiguration({ basePath: settingsDir(), environment: '' })._unsafeUnwrap().workerCount, 12);
    } finally {
      if (saved === undefined) delete process.env[name];
      else process.env[name] = saved;
    }
  });
});

void describe('loadConfiguration: file contents', () => {
  void it('recognises the .NET seed section HangFireOptions', () => {
    const basePath = settingsDir({
      'appsettings.json': {
        HangFireOptions: {
          HeartbeatInterval: '00:00:30',
          ServerCheckInterval: '00:01:00',
          StorageTypeName: 'PostgreSql',
          StorageConnectionString: 'Host=localhost;Database=hangfire;Username=app;Password=pw',
        },
      },
    });
    const options = loadConfiguration({ basePath, env: {} })._unsafeUnwrap();
    assert.equal(options.heartbeatIntervalMs, 30_000);
    assert.equal(options.serverCheckIntervalMs, 60_000);
    assert.equal(options.storage.type, 'PostgreSql');
    assert.equal(options.storage.connectionString, 'Host=localhost;Database=hangfire;Username=app;Password=pw');
  });

  void it('lets MediatorJobs win over HangFireOptions key by key in one file', () => {
    const basePath = settingsDir({
      'appsettings.json': { MediatorJobs: { WorkerCount: 2 }, HangFireOptions: { WorkerCount: 9, ServerName: 'legacy' } },
    });
    const options = loadConfiguration({ basePath, env: {} })._unsafeUnwrap();
    assert.equal(options.workerCount, 2);
    assert.equal(options.serverName, 'legacy');
  });

  void it('matches section and key names in any letter case, ignoring unknown keys and null values', () => {
    const basePath = settingsDir({
      'appsettings.json': { mediatorjobs: { workerCOUNT: 6, FutureSetting: 'x', ServerName: null }, Logging: { LogLevel: {} } },
    });
    const options = loadConfiguration({ basePath, env: {} })._unsafeUnwrap();
    assert.equal(options.workerCount, 6);
    assert.equal(options.serverName, undefined);
  });

  void it('accepts comments, trailing commas and a BOM, as .NET does', () => {
    const text = '\uFEFF{\n  // jobs\n  "MediatorJobs": { /* inline */ "WorkerCount": 3, "Queues": ["a", "b",], },\n}\n';
    const options = loadConfiguration({ basePath: settingsDir({ 'appsettings.json': text }), env: {} })._unsafeUnwrap();
    assert.equal(options.workerCount, 3);
    assert.deepEqual(options.queues, ['a', 'b']);
  });

  void it('refuses malformed JSON, naming the file and the parse error', () => {
    const basePath = settingsDir({ 'appsettings.Development.json': '{ "MediatorJobs": { "WorkerCount": 4 \n' });
    const error = loadConfiguration({ basePath, environment: 'Development', env: {} }).match(failOnOk, (e) => e);
    assert.equal(error.kind, 'InvalidFile');
    assert.ok(error.kind === 'InvalidFile' && error.file.endsWith('appsettings.Development.json'));
    assert.match(error.message, /appsettings\.Development\.json/);
    assert.match(error.message, /not valid JSON: \S+/);
    assert.ok(error.kind === 'InvalidFile' && error.cause instanceof SyntaxError);
  });

  void it('refuses a section or top level that is not an object', () => {
    for (const content of [{ MediatorJobs: 'yes' }, { HangFireOptions: [1] }, [1, 2]]) {
      const error = loadConfiguration({ basePath: settingsDir({ 'appsettings.json': content }), env: {} }).match(failOnOk, (e) => e);
      assert.equal(error.kind, 'InvalidFile', JSON.stringify(content));
    }
  });

  void it('reports a file that exists but cannot be read', () => {
    const basePath = settingsDir();
    // A directory named appsettings.json: there, but it cannot be read as a file (EISDIR).
    mkdirSync(join(basePath, 'appsettings.json'));
    const error = loadConfiguration({ basePath, env: {} }).match(failOnOk, (e) => e);
    assert.equal(error.kind, 'InvalidFile');
  });

  void it('says which file and section a bad value came from', () => {
    const basePath = settingsDir({ 'appsettings.json': { HangFireOptions: { HeartbeatInterval: 1 } } });
    const error = loadConfiguration({ basePath, env: {} }).match(failOnOk, (e) => e);
    assert.equal(error.kind, 'InvalidValue');
    assert.match(error.message, /HeartbeatInterval 1 is invalid.*minutes.*"1m"/);
    assert.match(error.message, /appsettings\.json \(HangFireOptions:HeartbeatInterval\)/);
  });

  void it('reports a file\'s invalid Queues even when environment variables set some of its items by index', () => {
    for (const queues of [{ 0: 'critical', 1: 'default' }, 5, true]) {
      const basePath = settingsDir({ 'appsettings.json': { MediatorJobs: { Queues: queues } } });
      const loaded = loadConfiguration({ basePath, env: { MediatorJobs__Queues__1: 'normal' } });
      assert.ok(loaded.isErr(), `Queues ${JSON.stringify(queues)} in the file is not silently replaced: got ${JSON.stringify(loaded.map((o) => o.queues).unwrapOr([]))}`);
      assert.equal(loaded.error.kind, 'InvalidValue', loaded.error.message);
      assert.match(loaded.error.message, /^Queues .* is invalid: .*appsettings\.json \(MediatorJobs:Queues\)/, 'the error names the setting and the file that set it');
    }
  });
});
