import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Container, inject, injectable } from 'inversify';
import { resolveOptions } from '../../src/config/index.js';
import { JOB_CLIENT, JOB_SERVER, configureJobServices, registerProcessorAsServer } from '../../src/di/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { Request, handles } from '../../src/mediator/index.js';
import { STORAGE_KINDS, eventually, openTestStorage } from '../support/test-storage.js';

class Greet extends Request<string> {
  constructor(readonly name: string) {
    super();
  }
}

const GREETING = Symbol('greeting');
const greeted: string[] = [];

@injectable()
@handles(Greet)
class GreetHandler {
  constructor(@inject(GREETING) private readonly greeting: string) {}
  handle(request: Greet) {
    greeted.push(`${this.greeting}, ${request.name}`);
    return `${this.greeting}, ${request.name}`;
  }
}

for (const kind of STORAGE_KINDS) {
  describe(`registerProcessorAsServer (${kind})`, () => {
    it('configures the engine in the container, and the server runs jobs through container-built handlers', async () => {
      const t = await openTestStorage(kind);
      const container = new Container();
      container.bind(GREETING).toConstantValue('Hello');
      const options = resolveOptions({ WorkerCount: 2, QueuePollInterval: '200ms' })._unsafeUnwrap();
      configureJobServices(container, { options, storage: t.storage, handlers: [GreetHandler], logger: silentLogger })._unsafeUnwrap();
      const server = registerProcessorAsServer(container)._unsafeUnwrap();
      assert.equal(registerProcessorAsServer(container)._unsafeUnwrap(), server, 'registering twice gives the same server');
      assert.equal(container.get(JOB_SERVER), server);
      try {
        (await server.start())._unsafeUnwrap();
        const id = (await container.get(JOB_CLIENT).enqueue(new Greet('Ada')))._unsafeUnwrap();
        await eventually(async () => ((await t.storage.getState(id))._unsafeUnwrap() === 'Succeeded' ? true : undefined), 'the job to succeed');
        assert.deepEqual(greeted.slice(-1), ['Hello, Ada']);
        assert.equal((await t.storage.getResult(id))._unsafeUnwrap(), '"Hello, Ada"');
      } finally {
        (await server.stop())._unsafeUnwrap();
        await t.dispose();
      }
    });

    it('registering again after the server stopped gives the same server, which starts again', async () => {
      const t = await openTestStorage(kind);
      const container = new Container();
      container.bind(GREETING).toConstantValue('Hi');
      const options = resolveOptions({ WorkerCount: 2, QueuePollInterval: '200ms' })._unsafeUnwrap();
      configureJobServices(container, { options, storage: t.storage, handlers: [GreetHandler], logger: silentLogger })._unsafeUnwrap();
      const server = registerProcessorAsServer(container)._unsafeUnwrap();
      try {
        (await server.start())._unsafeUnwrap();
        (await server.stop())._unsafeUnwrap();
        const again = registerProcessorAsServer(container)._unsafeUnwrap();
        assert.equal(again, server, 'the container holds one server');
        (await again.start())._unsafeUnwrap();
        const id = (await container.get(JOB_CLIENT).enqueue(new Greet('Grace')))._unsafeUnwrap();
        await eventually(async () => ((await t.storage.getState(id))._unsafeUnwrap() === 'Succeeded' ? true : undefined), 'the job to succeed on the restarted server');
        assert.equal((await t.storage.getResult(id))._unsafeUnwrap(), '"Hi, Grace"');
      } finally {
        (await server.stop())._unsafeUnwrap();
        await t.dispose();
      }
    });

    it('a second call whose overrides ask for other options is refused; the same options, or none, give the registered server', async () => {
      const t = await openTestStorage(kind);
      try {
        const container = new Container();
        container.bind(GREETING).toConstantValue('Hey');
        const options = resolveOptions({ WorkerCount: 2, QueuePollInterval: '200ms' })._unsafeUnwrap();
        configureJobServices(container, { options, storage: t.storage, handlers: [GreetHandler], logger: silentLogger })._unsafeUnwrap();
        const server = registerProcessorAsServer(container, { serverName: 'reports', queues: ['reports'] })._unsafeUnwrap();

        const other = registerProcessorAsServer(container, { serverName: 'mail', queues: ['reports'] });
        assert.ok(other.isErr(), 'another server name is not silently dropped');
        assert.equal(other.error.kind, 'OptionsAlreadyBound', 'the error kind for a binding kept as it was');
        assert.match(other.error.message, /already registered with other options \(different: serverName\)/, 'says the server is registered with other options, and which');
        const moreWorkers = registerProcessorAsServer(container, { serverName: 'reports', queues: ['reports'], workerCount: 8 });
        assert.equal(moreWorkers.isErr() && moreWorkers.error.kind, 'OptionsAlreadyBound', 'an override the first call did not make is refused too');

        assert.equal(registerProcessorAsServer(container, { queues: ['reports'], serverName: 'reports' })._unsafeUnwrap(), server, 'the same overrides (in any order) give the same server');
        assert.equal(registerProcessorAsServer(container, { serverName: 'reports', queues: ['reports'], workerCount: 2 })._unsafeUnwrap(), server, 'an override equal to the configured option changes nothing');
        assert.equal(registerProcessorAsServer(container)._unsafeUnwrap(), server, 'no overrides: the registered server, whatever it was made with');
        assert.equal(container.get(JOB_SERVER), server, 'the container still holds the first server');
      } finally {
        await t.dispose();
      }
    });

    it('refuses to register a server before the engine is configured', () => {
      const error = registerProcessorAsServer(new Container())._unsafeUnwrapErr();
      assert.equal(error.kind, 'ContainerFailed');
      assert.match(error.message, /configureJobServices/);
    });
  });
}
