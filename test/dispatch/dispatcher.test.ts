import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Container, inject, injectable } from 'inversify';
import { ok, type Result, type ResultAsync } from 'neverthrow';
import { resolveOptions } from '../../src/config/index.js';
import type { AwaitError } from '../../src/dispatch/await-error.js';
import type { IDispatcherService } from '../../src/dispatch/dispatcher-service.js';
import type { IJobMediator } from '../../src/dispatch/job-mediator.js';
import {
  DISPATCHER_SERVICE,
  JOB_ENGINE,
  JOB_EXECUTION_SERVICE,
  JOB_MEDIATOR,
  MEDIATOR,
  configureJobServices,
  registerProcessorAsServer,
} from '../../src/di/index.js';
import type { JobServer } from '../../src/server/job-server.js';
import { handles } from '../../src/mediator/index.js';
import type { JobId } from '../../src/storage/job-types.js';
import { FAST_SETTINGS } from '../engine/support.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { expectType } from '../mediator/support/expect-type.js';
import { errOf, errOfSync, okOf } from '../mediator/support/outcome.js';
import { STORAGE_KINDS, eventually, openTestStorage, type StorageKind, type TestStorage } from '../support/test-storage.js';
import { Echo, type Echoed } from './support.js';

const OUTBOX = Symbol('outbox');

/** A job service with a constructor dependency, resolved from the container by the worker. */
@injectable()
class EmailSender {
  constructor(@inject(OUTBOX) private readonly outbox: string[]) {}

  readonly signature = '-- sent by the tests';

  send(to: number, text: string): string {
    this.outbox.push(`${to}: ${text}`);
    return `sent to ${to}`;
  }

  async countSent(): Promise<number> {
    return this.outbox.length;
  }

  checked(to: number): Result<{ to: number; at: Date }, string> {
    return ok({ to, at: new Date('2030-01-01T00:00:00Z') });
  }
}

class Unregistered {
  send(): void {}
}

/** A value object with a method: as a method argument it would reach the service as a plain object. */
class Recipient {
  constructor(readonly id: number) {}
  mailbox(): string {
    return `user-${this.id}@example.com`;
  }
}

@handles(Echo)
class EchoHandler {
  handle(request: Echo): Echoed {
    return { text: request.text, at: request.at, big: request.big };
  }
}

interface Configured {
  readonly t: TestStorage;
  readonly container: Container;
  readonly outbox: string[];
  readonly dispatcher: IDispatcherService;
  readonly server: JobServer;
  waitFor(id: JobId): Promise<void>;
  dispose(): Promise<void>;
}

/** A container configured the way an application would, with a started server. */
async function configured(kind: StorageKind): Promise<Configured> {
  const t = await openTestStorage(kind);
  const container = new Container();
  const outbox: string[] = [];
  container.bind(OUTBOX).toConstantValue(outbox);
  const options = resolveOptions(FAST_SETTINGS)._unsafeUnwrap();
  configureJobServices(container, { options, storage: t.storage, handlers: [EchoHandler], services: [EmailSender], logger: new RecordingLogger(), retry: false })._unsafeUnwrap();
  const server = registerProcessorAsServer(container)._unsafeUnwrap();
  (await server.start())._unsafeUnwrap();
  return {
    t,
    container,
    outbox,
    server,
    dispatcher: container.get(DISPATCHER_SERVICE),
    async waitFor(id) {
      await eventually(async () => ((await t.storage.getState(id))._unsafeUnwrap() === 'Succeeded' ? true : undefined), `job ${id} to succeed`);
    },
    async dispose() {
      (await server.stop())._unsafeUnwrap();
      await t.dispose();
    },
  };
}

for (const kind of STORAGE_KINDS) {
  describe(`the dispatcher (${kind})`, () => {
    it('dispatches a request, and a method call run on a container-built service', async () => {
      const c = await configured(kind);
      try {
        const requestJob = await okOf(() => c.dispatcher.dispatch(new Echo('dispatched', new Date(0), 1n)));
        const methodJob = await okOf(() => c.dispatcher.dispatch(EmailSender, (s) => s.send(13, 'Hello')));
        await c.waitFor(requestJob);
        await c.waitFor(methodJob);
        assert.deepEqual(c.outbox, ['13: Hello'], 'constructor injection gave the worker the outbox');
        const details = (await c.container.get(JOB_ENGINE).monitoring.jobDetails(methodJob))._unsafeUnwrap();
        assert.deepEqual([details.typeName, details.methodName, details.payload, details.result], ['EmailSender', 'send', [13, 'Hello'], 'sent to 13']);
      } finally {
        await c.dispose();
      }
    });

    it('dispatchAwait gives the typed return value of a request or a method (Promise and Result unwrapped)', async () => {
      const c = await configured(kind);
      try {
        const sent = c.dispatcher.dispatchAwait(EmailSender, (s) => s.send(14, 'Hi'));
        expectType<ResultAsync<string, AwaitError>>()(sent);
        assert.equal(await okOf(() => sent), 'sent to 14');
        const counted = c.dispatcher.dispatchAwait(EmailSender, (s) => s.countSent());
        expectType<ResultAsync<number, AwaitError>>()(counted);
        assert.equal(await okOf(() => counted), 1);
        const checked = c.dispatcher.dispatchAwait(EmailSender, (s) => s.checked(5));
        expectType<ResultAsync<{ to: number; at: Date }, AwaitError>>()(checked);
        assert.deepEqual(await okOf(() => checked), { to: 5, at: new Date('2030-01-01T00:00:00Z') });
        const echoed = c.dispatcher.dispatchAwait(new Echo('awaited', new Date(1), 2n));
        expectType<ResultAsync<Echoed, AwaitError>>()(echoed);
        assert.deepEqual(await okOf(() => echoed), { text: 'awaited', at: new Date(1), big: 2n });
      } finally {
        await c.dispose();
      }
    });

    it('dispatches later, and as a continuation of another job', async () => {
      const c = await configured(kind);
      try {
        const later = await okOf(() => c.dispatcher.dispatch(EmailSender, (s) => s.send(1, 'later'), { delay: 60_000 }));
        assert.equal((await c.t.storage.getState(later))._unsafeUnwrap(), 'Scheduled');
        const parent = await okOf(() => c.dispatcher.dispatch(new Echo('parent', new Date(0), 0n)));
        const child = await okOf(() => c.dispatcher.continueWith(parent, EmailSender, (s) => s.send(2, 'after the parent'), { on: 'succeeded' }));
        const requestChild = await okOf(() => c.dispatcher.continueWith(child, new Echo('grandchild', new Date(0), 0n)));
        await c.waitFor(requestChild);
        assert.deepEqual(c.outbox, ['2: after the parent']);
      } finally {
        await c.dispose();
      }
    });

    it('refuses at dispatch time, storing nothing: an unregistered service, a property read, a function or class instance argument', async () => {
      const c = await configured(kind);
      try {
        const unregistered = await errOf(() => c.dispatcher.dispatch(Unregistered, (s) => s.send()));
        assert.equal(unregistered.kind, 'UnknownService');
        const property = await errOf(() => c.dispatcher.dispatch(EmailSender, (s) => s.signature));
        assert.equal(property.kind, 'InvalidMethodCall');
        assert.match(property.message, /read signature, which is not a method of EmailSender/);
        const fnArgument = await errOf(() => c.dispatcher.dispatch(EmailSender, (s) => s.send(1, (() => 'x') as never)));
        assert.equal(fnArgument.kind, 'Unserializable');
        const awaited = await errOf(() => c.dispatcher.dispatchAwait(EmailSender, (s) => [s.send(1, 'a'), s.send(2, 'b')]));
        assert.equal(awaited.kind, 'InvalidMethodCall');
        const recipient = new Recipient(7);
        const instanceArguments = [
          await errOf(() => c.dispatcher.dispatch(EmailSender, (s) => s.send(1, recipient as never))),
          await errOf(() => c.dispatcher.dispatch(EmailSender, (s) => s.send(1, { to: [recipient] } as never), { delay: 60_000 })),
          await errOf(() => c.dispatcher.dispatchAwait(EmailSender, (s) => s.send(1, recipient as never), { timeout: 1_000 })),
          await errOf(() => c.dispatcher.addOrUpdateRecurring('with-instance', EmailSender, (s) => s.send(1, recipient as never), '0 3 * * *')),
        ];
        for (const error of instanceArguments) {
          assert.equal(error.kind, 'Unserializable', error.message);
          assert.match(error.message, /EmailSender\.send arguments\[1\](\.to\[0\])? cannot be stored: an instance of Recipient would reach the handler as a plain object/);
        }
        const counts = (await c.t.storage.stateCounts())._unsafeUnwrap();
        assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), 0, 'nothing was stored');
        assert.deepEqual((await c.container.get(JOB_ENGINE).monitoring.recurringJobs())._unsafeUnwrap(), [], 'no recurring job was stored');
      } finally {
        await c.dispose();
      }
    });

    it('recurring: add or update, trigger, remove (request and method call)', async () => {
      const c = await configured(kind);
      try {
        const monitoring = c.container.get(JOB_ENGINE).monitoring;
        await okOf(() => c.dispatcher.addOrUpdateRecurring('nightly-mail', EmailSender, (s) => s.send(3, 'nightly'), '0 3 * * *', { timeZone: 'Europe/Paris' }));
        await okOf(() => c.dispatcher.addOrUpdateRecurring('hourly-echo', new Echo('hourly', new Date(0), 0n), '0 * * * *'));
        const definitions = (await monitoring.recurringJobs())._unsafeUnwrap();
        assert.deepEqual(definitions.map((d) => [d.id, d.typeName, d.methodName, d.cron, d.timeZone]).sort(), [
          ['hourly-echo', 'dispatch-tests.Echo', undefined, '0 * * * *', 'UTC'],
          ['nightly-mail', 'EmailSender', 'send', '0 3 * * *', 'Europe/Paris'],
        ]);
        const triggered = await okOf(() => c.dispatcher.triggerRecurring('nightly-mail'));
        await c.waitFor(triggered);
        assert.deepEqual(c.outbox, ['3: nightly']);
        const lastRun = await okOf(() => c.container.get(JOB_EXECUTION_SERVICE).getLastSuccessfulRun('nightly-mail'));
        assert.ok(lastRun instanceof Date);
        assert.equal(await okOf(() => c.dispatcher.removeRecurring('nightly-mail')), true);
        assert.equal(await okOf(() => c.dispatcher.removeRecurring('nightly-mail')), false);
        assert.equal((await errOf(() => c.dispatcher.triggerRecurring('nightly-mail'))).kind, 'RecurringJobNotFound');
        assert.equal((await errOf(() => c.dispatcher.addOrUpdateRecurring('bad', EmailSender, (s) => s.signature, '* * * * *'))).kind, 'InvalidMethodCall');
        assert.equal((await errOf(() => c.dispatcher.addOrUpdateRecurring('bad', new Echo('x', new Date(0), 0n), 'not a cron'))).kind, 'InvalidCron');
      } finally {
        await c.dispose();
      }
    });
  });
}

describe('dependency injection of the job extensions', () => {
  it('with storage, MEDIATOR is the job mediator: send as before, plus enqueue and enqueueAwait', async () => {
    const c = await configured('Embedded');
    try {
      const mediator = c.container.get(MEDIATOR);
      assert.equal(mediator, c.container.get(JOB_MEDIATOR));
      assert.deepEqual(await okOf(() => mediator.send(new Echo('sent', new Date(0), 0n))), { text: 'sent', at: new Date(0), big: 0n });
      const jobMediator: IJobMediator = c.container.get(JOB_MEDIATOR);
      assert.deepEqual(await okOf(() => jobMediator.enqueueAwait(new Echo('awaited', new Date(0), 3n))), { text: 'awaited', at: new Date(0), big: 3n });
    } finally {
      await c.dispose();
    }
  });

  it('storage added by a later call switches MEDIATOR to the job mediator; configuring again changes nothing', async () => {
    const t = await openTestStorage('Embedded');
    try {
      const container = new Container();
      const plain = configureJobServices(container, { handlers: [EchoHandler] })._unsafeUnwrap();
      assert.equal(container.get(MEDIATOR), plain);
      assert.equal(container.isBound(JOB_MEDIATOR), false);
      assert.equal(errOfSync(() => configureJobServices(container, { services: [EmailSender] })).kind, 'EngineRequired');
      const withJobs = configureJobServices(container, { storage: t.storage, logger: new RecordingLogger() })._unsafeUnwrap();
      assert.notEqual(withJobs, plain);
      assert.equal(withJobs, container.get(JOB_MEDIATOR));
      assert.equal(container.get(MEDIATOR), withJobs);
      const again = configureJobServices(container, { storage: t.storage, services: [EmailSender] })._unsafeUnwrap();
      assert.equal(again, withJobs);
      assert.equal(configureJobServices(container, { services: [EmailSender] })._unsafeUnwrap(), withJobs, 'a service registered twice is a no-op');
      assert.ok(container.isBound(EmailSender));
      class Other {
        static readonly jobServiceName = 'EmailSender';
        send(): void {}
      }
      assert.equal(errOfSync(() => configureJobServices(container, { services: [Other] })).kind, 'DuplicateServiceName');
      assert.equal(container.get(DISPATCHER_SERVICE), container.get(DISPATCHER_SERVICE), 'singletons');
    } finally {
      await t.dispose();
    }
  });
});
