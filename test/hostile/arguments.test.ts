/**
 * Arguments a JavaScript caller leaves out or gives in the wrong place: each
 * is an error value saying what the call takes, never a throw, and never an
 * object that fails later, far from the mistake.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Result, ResultAsync } from 'neverthrow';
import { PGlite } from '@electric-sql/pglite';
import { createDashboard } from '../../src/dashboard/create-dashboard.js';
import { useJobDashboard } from '../../src/dashboard/use-job-dashboard.js';
import type { DashboardHost } from '../../src/dashboard/index.js';
import { DEFAULT_DASHBOARD_PATH, resolveOptions } from '../../src/config/index.js';
import { JobServiceRegistry } from '../../src/jobs/job-services.js';
import { JobFilterRegistry } from '../../src/filters/filter-registry.js';
import { MediatorRegistry, Notification } from '../../src/mediator/index.js';
import { Container } from 'inversify';
import { configureJobServices } from '../../src/di/configure-job-services.js';
import { registerProcessorAsServer } from '../../src/di/register-processor-as-server.js';
import { JOB_SERVER } from '../../src/di/tokens.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { JobServer } from '../../src/server/job-server.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { formatStorageError, type StorageError } from '../../src/storage/storage-error.js';
import { openTestStorage, uniqueSchemaName } from '../support/test-storage.js';
import { assertError, assertUnchanged, Carry, hostileEngine, refused, type Described } from './support.js';

/** Calls `call` and insists on an error value: a throw or an Ok fails the test, naming `what`. */
function refusedNow<E extends Described>(what: string, call: () => Result<unknown, E>): E {
  let outcome: Result<unknown, E>;
  try {
    outcome = call();
  } catch (error) {
    assert.fail(`${what} threw instead of returning an error value: ${error instanceof Error ? error.stack : String(error)}`);
  }
  assert.ok(outcome.isErr(), `${what} was accepted`);
  return outcome.error;
}

describe('arguments left out or misplaced', () => {
  it('createDashboard and useJobDashboard refuse what is not a JobEngine in its place, saying what they take', () => {
    const mounted: string[] = [];
    const app: DashboardHost = { use: (path: string) => void mounted.push(path) };
    const cases: [string, unknown, RegExp][] = [
      ['no engine', undefined, /given undefined/],
      ['a null engine', null, /given null/],
      ['the options first', { path: '/jobs' }, /given a plain object/],
      ['a path', '/jobs', /given a string/],
      ['something else', new Map(), /given an instance of Map/],
    ];
    for (const [what, engine, given] of cases) {
      const error = refusedNow(`createDashboard with ${what}`, () => createDashboard(engine as never));
      assertError(error, 'InvalidDashboardOptions', /^createDashboard takes the JobEngine first, then the options: createDashboard\(engine, \{ path, \.\.\. \}\)/, `createDashboard with ${what}`);
      assert.match(error.message, given, `createDashboard with ${what}`);
      const used = refusedNow(`useJobDashboard with ${what}`, () => useJobDashboard(app, engine as never, '/jobs'));
      assertError(used, 'InvalidDashboardOptions', /takes the JobEngine first/, `useJobDashboard with ${what}`);
    }
    assert.deepEqual(mounted, [], 'nothing was mounted');
  });

  it('services.add refuses what is not a named class, instead of throwing or storing it under the name "undefined"', () => {
    class Reports {
      run(): void {}
    }
    const cases: [string, unknown, RegExp][] = [
      ['undefined (an import that is not there)', undefined, /not undefined/],
      ['null', null, /not null/],
      ['an instance', new Reports(), /not an object \(an instance\? pass its class\)/],
      ['a number', 42, /not a number/],
      ['a string', 'Reports', /not a string/],
      ['an arrow function', () => new Reports(), /not an arrow function/],
    ];
    const services = new JobServiceRegistry();
    for (const [what, service, says] of cases) {
      const error = refusedNow(`services.add with ${what}`, () => services.add(service as never));
      assertError(error, 'InvalidService', /^A job service is a class \(engine\.services\.add\(ReportService\)\), not /, `services.add with ${what}`);
      assert.match(error.message, says, `services.add with ${what}`);
    }
    const anonymous = refusedNow('services.add with an anonymous class', () => services.add((() => class {})()));
    assertError(anonymous, 'InvalidService', /needs a name/, 'an anonymous class');
    assert.equal(services.find('undefined'), undefined, 'nothing was stored under "undefined"');
    assert.equal(services.find(''), undefined, 'nothing was stored under ""');
    assert.equal(services.add(Reports)._unsafeUnwrap(), 'Reports', 'a class is still taken');
  });

  it('configureJobServices refuses job services that are not classes, with storage or without', async () => {
    const noEngine = refusedNow('services: [undefined] without storage', () => configureJobServices(new Container(), { services: [undefined as never] }));
    assertError(noEngine, 'EngineRequired', /^Job service undefined needs the job engine/, 'services: [undefined] without storage');
    const t = await openTestStorage('Embedded');
    try {
      const error = refusedNow('services: [undefined] with storage', () => configureJobServices(new Container(), { storage: t.storage, services: [undefined as never] }));
      assertError(error, 'InvalidService', /^A job service is a class .*not undefined/, 'services: [undefined] with storage');
    } finally {
      await t.dispose();
    }
  });

  it('takes null options as none in addBehavior, filters.add and configureJobServices, and refuses a setup list that is not a list', () => {
    const registry = new MediatorRegistry();
    const behavior = (_request: unknown, next: () => unknown): unknown => next();
    let added: Result<void, Described> | undefined;
    assert.doesNotThrow(() => void (added = registry.addBehavior(behavior, null as never)), 'addBehavior with null options throws');
    assert.ok(added?.isOk(), 'addBehavior with null options');
    const filters = new JobFilterRegistry();
    const filter = { onCreating: () => undefined };
    assert.doesNotThrow(() => filters.add(filter, null as never), 'filters.add with null options throws');
    assert.deepEqual(filters.filtersFor('any.Type'), [filter], 'a filter added with null options applies to every job');

    let configured: Result<unknown, Described> | undefined;
    assert.doesNotThrow(() => void (configured = configureJobServices(new Container(), null as never)), 'configureJobServices with a null setup throws');
    assert.ok(configured?.isOk(), 'configureJobServices with a null setup');
    const nullBehavior = refusedNow('behaviors: [null]', () => configureJobServices(new Container(), { behaviors: [null as never] }));
    assertError(nullBehavior, 'InvalidRegistration', /null/, 'behaviors: [null]');
    for (const name of ['handlers', 'notificationHandlers', 'behaviors', 'services'] as const) {
      const error = refusedNow(`${name} that is a string`, () => configureJobServices(new Container(), { [name]: 'Reports' }));
      assertError(error, 'InvalidSetup', new RegExp(`^${name} must be a list \\(an array\\), not a string`), `${name} that is a string`);
    }
  });

  it('filters.add refuses what is not a filter object, or a scope that names no job type, and enqueues keep working', async () => {
    class AuditFilter {
      onCreating(): void {}
    }
    const cases: [string, unknown, unknown, RegExp][] = [
      ['undefined (an import that is not there)', undefined, undefined, /not undefined\. The filter was not added\.$/],
      ['null', null, undefined, /not null\./],
      ['a number', 42, undefined, /not a number\./],
      ['a string', 'AuditFilter', undefined, /not a string\./],
      ['the class, not an instance', AuditFilter, undefined, /not the class AuditFilter: pass an instance \(new AuditFilter\(\)\)/],
      ['a function', () => undefined, undefined, /not a function: pass an instance/],
      ['a scope that is a number', new AuditFilter(), 42, /^for must be a request class, a job service class or a type name, not a number; the filter was not added\.$/],
      ['a scope that is an empty name', new AuditFilter(), '', /not an empty string/],
      ['a scope that is an object', new AuditFilter(), { name: 'Carry' }, /not an object/],
    ];
    const e = await hostileEngine('Embedded');
    try {
      const filters = e.engine.filters;
      const before = filters.filtersFor(Carry.requestTypeName);
      for (const [what, filter, scope, says] of cases) {
        const error = refusedNow(`filters.add with ${what}`, () => filters.add(filter as never, { for: scope as never }));
        assertError(error, 'InvalidFilter', says, `filters.add with ${what}`);
      }
      assert.deepEqual(filters.filtersFor(Carry.requestTypeName), before, 'nothing was added');
      // Added, undefined made every later enqueue throw a TypeError reading its hooks.
      let enqueued: ResultAsync<unknown, Described> | undefined;
      assert.doesNotThrow(() => void (enqueued = e.engine.client.enqueue(new Carry(1))), 'enqueue throws');
      assert.ok((await enqueued!).isOk(), 'enqueue after the refused filters');
      const audit = new AuditFilter();
      filters.add(audit, { for: null as never })._unsafeUnwrap();
      assert.ok(filters.filtersFor('any.Type').includes(audit), 'a null scope is none: the filter applies to every job');
    } finally {
      await e.dispose();
    }
  });

  it('a server given one queue name where its list goes is InvalidOptions naming queues, and announces nothing', async () => {
    const e = await hostileEngine('Embedded');
    try {
      for (const queues of ['critical', 'critical,default', { 0: 'critical' }]) {
        const server = e.engine.createServer({ queues: queues as never });
        const error = (await server.start())._unsafeUnwrapErr();
        assertError(error, 'InvalidOptions', /was not started: queues .* is invalid: expected a list of queue names, e\.g\. \["critical", "default"\]/, `queues ${JSON.stringify(queues)}`);
      }
      assert.deepEqual((await e.engine.monitoring.servers())._unsafeUnwrap(), [], 'no server was announced');
    } finally {
      await e.dispose();
    }
  });

  it('createServer with overrides that cannot be read gives a server whose start is InvalidOptions saying why; registerProcessorAsServer refuses them', async () => {
    const e = await hostileEngine('Embedded');
    try {
      // The spread of the overrides over the engine's options ran the getter (or trap) inside createServer, which threw.
      const exploding = Object.defineProperty({}, 'workerCount', { enumerable: true, get: () => { throw new Error('workerCount getter exploded'); } });
      const trapped = new Proxy({}, { ownKeys: () => { throw new Error('ownKeys trap exploded'); } });
      for (const [what, overrides, says] of [['a getter that throws', exploding, /workerCount getter exploded/], ['a Proxy whose trap throws', trapped, /ownKeys trap exploded/]] as const) {
        let server: JobServer | undefined;
        assert.doesNotThrow(() => void (server = e.engine.createServer(overrides)), `createServer with ${what} throws`);
        const error = (await server!.start())._unsafeUnwrapErr();
        assertError(error, 'InvalidOptions', /was not started: the server options given could not be read: /, `createServer with ${what}`);
        assert.match(error.message, says, `createServer with ${what}`);
        assert.ok((await server!.stop()).isOk(), `stopping the server that never started, given ${what}`);

        const container = new Container();
        configureJobServices(container, { options: resolveOptions({})._unsafeUnwrap(), storage: e.t.storage, logger: silentLogger })._unsafeUnwrap();
        const refused = refusedNow(`registerProcessorAsServer with ${what}`, () => registerProcessorAsServer(container, overrides));
        assertError(refused, 'InvalidSetup', /^registerProcessorAsServer: the server options given could not be read: .*; no server was registered\.$/, `registerProcessorAsServer with ${what}`);
        assert.match(refused.message, says, `registerProcessorAsServer with ${what}`);
        assert.equal(container.isBound(JOB_SERVER), false, `no server was bound, given ${what}`);
      }
      assert.deepEqual((await e.engine.monitoring.servers())._unsafeUnwrap(), [], 'no server was announced');
    } finally {
      await e.dispose();
    }
  });

  it('createServer takes null extra processes as none, and addHandler refuses a handler whose handle cannot be read, naming it, instead of throwing', async () => {
    const e = await hostileEngine('Embedded');
    try {
      let server: JobServer | undefined;
      assert.doesNotThrow(() => void (server = e.engine.createServer({}, null as never)), 'createServer with null extra processes threw');
      (await server!.start())._unsafeUnwrap();
      (await server!.stop())._unsafeUnwrap();
    } finally {
      await e.dispose();
    }

    const registry = new MediatorRegistry();
    const explode = (): never => {
      throw new Error('exploded');
    };
    const withGetter = Object.defineProperty({}, 'handle', { enumerable: true, get: explode });
    const trapped = new Proxy({}, { get: explode, getPrototypeOf: explode });
    const trappedClass = new Proxy(class Sneaky {}, { get: explode, getPrototypeOf: explode });
    for (const [what, handler, named] of [
      ['an object whose handle getter throws', withGetter, /^an object has no handle method$/],
      ['a Proxy whose traps throw', trapped, /^an object has no handle method$/],
      ['a class Proxy whose traps throw', trappedClass, /has no handle method$/],
    ] as const) {
      const error = refusedNow(`addHandler with ${what}`, () => registry.addHandler(Carry, handler as never));
      assertError(error, 'InvalidRegistration', named, `addHandler with ${what}`);
      // A function is a behaviour in its own right, so the class Proxy may be taken as one; it must not throw either way.
      assert.doesNotThrow(() => registry.addBehavior(handler as never), `addBehavior with ${what} threw`);
    }
    refusedNow('addBehavior with an object whose handle getter throws', () => registry.addBehavior(withGetter as never));
    const instance = refusedNow('addHandler with an instance of a class without handle', () => registry.addHandler(Carry, new Carry(1) as never));
    assertError(instance, 'InvalidRegistration', /^an instance of Carry has no handle method$/, 'an instance is named by its class');
  });

  it('closing storage again, at once or later, answers with the first close\'s outcome instead of an error', async () => {
    // Two shutdown paths (a signal handler and a finally) both close the storage.
    const embedded = (await openStorage({ type: 'Embedded' }))._unsafeUnwrap().storage;
    const postgres = await openTestStorage('PostgreSql');
    for (const [kind, storage] of [['Embedded', embedded], ['PostgreSql', postgres.storage]] as const) {
      const [first, concurrent] = await Promise.all([storage.close(), storage.close()]);
      assert.ok(first.isOk(), `${kind}: the first close`);
      assert.ok(concurrent.isOk(), `${kind}: a close while it closes: ${JSON.stringify(concurrent.isErr() ? concurrent.error.kind : '')}`);
      const later = await storage.close();
      assert.ok(later.isOk(), `${kind}: a close once closed: ${later.isErr() ? ('message' in later.error ? later.error.message : later.error.kind) : ''}`);
      assert.equal((await storage.getState('1'))._unsafeUnwrapErr().kind, 'Closed', `${kind}: still closed`);
    }
    await postgres.dispose();
  });

  it('closing storage again after a close failed tries again, while closes during that attempt share it', async () => {
    // A real failing close: the caller closed its own PGlite before the storage, so dropping the storage's LISTEN on it fails.
    const pglite = new PGlite();
    const storage = (await openStorage({ type: 'Embedded', pglite, schemaName: uniqueSchemaName() }))._unsafeUnwrap().storage;
    (await storage.subscribe(() => undefined))._unsafeUnwrap();
    await pglite.close();
    const [first, concurrent] = await Promise.all([storage.close(), storage.close()]);
    const failure = first._unsafeUnwrapErr();
    assert.match(formatStorageError(failure), /closing storage failed: .*PGlite is closed/, 'the first close fails');
    assert.equal(concurrent._unsafeUnwrapErr(), failure, 'a close while the first one runs answers with its outcome');
    // Every later close answered with that failure, for good: a caller could not finish closing.
    const again = await storage.close();
    assert.ok(again.isOk(), `a close after the failed one tries again: ${again.isErr() ? formatStorageError(again.error) : ''}`);
    assert.ok((await storage.close()).isOk(), 'a close once closed answers with that success');
    assert.equal((await storage.getState('1'))._unsafeUnwrapErr().kind, 'Closed', 'the storage stays closed throughout');
  });

  it('enqueueAwait and dispatchAwait after the completion watcher closed create nothing, and say so', async () => {
    const e = await hostileEngine('Embedded');
    try {
      (await e.watcher.close())._unsafeUnwrap();
      await assertUnchanged(e.t, 'awaiting after the watcher closed', async () => {
        for (const [what, call] of [
          ['enqueueAwait', () => e.mediator.enqueueAwait(new Carry(1), { timeout: 1_000 })],
          ['dispatchAwait', () => e.dispatcher.dispatchAwait(new Carry(1), { timeout: 1_000 })],
        ] as const) {
          const error = await refused(what, call, 5_000);
          assertError(error, 'Aborted', /^Nothing was created: the completion watcher is closed before the job was stored\.$/, what);
          assert.equal((error as { jobId?: unknown }).jobId, undefined, `${what}: no job id`);
        }
      });
    } finally {
      await e.dispose();
    }
  });

  it('openStorage refuses a storage type it does not know, naming it, instead of taking it for PostgreSql', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['type "embedded"', { type: 'embedded' }, /not "embedded"\.$/],
      ['type "postgres" with a connection string', { type: 'postgres', connectionString: 'postgres://user:secret@127.0.0.1:1/db' }, /not "postgres"\.$/],
      ['no type', {}, /, and none was given\.$/],
      ['a number for type', { type: 1 }, /, not "1"\.$/],
    ];
    for (const [what, options, says] of cases) {
      const error = await refused(`openStorage with ${what}`, () => openStorage(options as never).mapErr(described), 5_000);
      assertError(error, 'InvalidInput', /^type must be "Embedded" or "PostgreSql", written so, /, `openStorage with ${what}`);
      assert.match(error.message, says, `openStorage with ${what}`);
      assert.doesNotMatch(error.message, /secret/, 'the connection string is not echoed');
    }
    const unreadable = Object.defineProperty({ type: 'Embedded' }, 'schemaName', { enumerable: true, get: () => { throw new Error('schemaName getter exploded'); } });
    const error = await refused('openStorage with a getter that throws', () => openStorage(unreadable as never).mapErr(described), 5_000);
    assertError(error, 'InvalidInput', /^The storage options cannot be read: .*schemaName getter exploded/, 'a getter that throws');
  });

  it('send and publish refuse a signal that is not an AbortSignal (the controller itself), which would never abort', async () => {
    class Heard extends Notification {}
    const e = await hostileEngine('Embedded');
    try {
      for (const [what, signal, says] of [
        ['the AbortController', new AbortController(), /^signal must be an AbortSignal, not an object of class AbortController: pass controller\.signal, not the controller$/],
        ['a string', 'abort', /^signal must be an AbortSignal, not string$/],
      ] as const) {
        const sent = await refused(`send with ${what}`, () => e.mediator.send(new Carry(1), { signal: signal as never }).mapErr((error) => ({ kind: error.kind, message: 'message' in error ? error.message : '' })), 5_000);
        assertError(sent, 'InvalidRequest', says, `send with ${what}`);
        const published = await refused(`publish with ${what}`, () => e.mediator.publish(new Heard(), { signal: signal as never }).mapErr((error) => ({ kind: error.kind, message: 'message' in error ? error.message : '' })), 5_000);
        assertError(published, 'InvalidNotification', says, `publish with ${what}`);
      }
      assert.equal((await e.mediator.send(new Carry(2), { signal: new AbortController().signal }))._unsafeUnwrap(), 2, 'a signal is still taken');
    } finally {
      await e.dispose();
    }
  });

  it('send with options whose getter throws is InvalidRequest naming the options, not the request', async () => {
    const e = await hostileEngine('Embedded');
    try {
      for (const key of ['signal', 'job', 'lazySignal']) {
        const options = Object.defineProperty({}, key, { enumerable: true, get: () => { throw new Error(`${key} getter exploded`); } });
        const sent = await refused(`send with a throwing ${key} getter`, () => e.mediator.send(new Carry(1), options).mapErr((error) => ({ kind: error.kind, message: 'message' in error ? error.message : '' })), 5_000);
        assertError(sent, 'InvalidRequest', new RegExp(`^the send options cannot be read: .*${key} getter exploded`), `send with a throwing ${key} getter`);
      }
      assert.equal((await e.mediator.send(new Carry(2)))._unsafeUnwrap(), 2, 'a later send works');
    } finally {
      await e.dispose();
    }
  });

  it('useJobDashboard refuses a missing path or an app without use, instead of mounting where the dashboard does not answer', async () => {
    const mounted: unknown[] = [];
    const app: DashboardHost = { use: (path: string) => void mounted.push(path) };
    const e = await hostileEngine('Embedded');
    try {
      for (const [what, path, says] of [
        ['no path', undefined, /not undefined\.$/],
        ['a list of filters where the path goes', [() => true], /not a list\.$/],
      ] as const) {
        const error = refusedNow(`useJobDashboard with ${what}`, () => useJobDashboard(app, e.engine, path as never));
        assertError(error, 'InvalidDashboardOptions', /^useJobDashboard takes the path to mount at third: useJobDashboard\(app, engine, '\/jobs'\)/, `useJobDashboard with ${what}`);
        assert.match(error.message, says, `useJobDashboard with ${what}`);
      }
      for (const [what, host] of [['no app', undefined], ['an app without use', {}]] as const) {
        const error = refusedNow(`useJobDashboard with ${what}`, () => useJobDashboard(host as never, e.engine, DEFAULT_DASHBOARD_PATH));
        assertError(error, 'InvalidDashboardOptions', /^useJobDashboard takes the app first/, `useJobDashboard with ${what}`);
      }
      assert.deepEqual(mounted, [], 'nothing was mounted');
      useJobDashboard(app, e.engine, '/admin/jobs')._unsafeUnwrap();
      assert.deepEqual(mounted, ['/admin/jobs'], 'a path is still taken');
    } finally {
      await e.dispose();
    }
  });
});

/** A storage error as the others are: a kind and a message. */
function described(error: StorageError): Described {
  return { kind: error.kind, message: 'message' in error ? error.message : error.kind };
}
