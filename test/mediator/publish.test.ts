import { test } from 'node:test';
import assert from 'node:assert/strict';
import { err } from 'neverthrow';
import { Mediator, MediatorRegistry, Notification, constructingResolver } from '../../src/mediator/index.js';
import type { NotificationHandler } from '../../src/mediator/index.js';
import { deferred } from './support/deferred.js';
import { errOf, okOf } from './support/outcome.js';
import { UserCreated } from './support/requests.js';

function mediatorWith(...handlers: NotificationHandler<UserCreated>[]): Mediator {
  const registry = new MediatorRegistry();
  for (const handler of handlers) registry.addNotificationHandler(UserCreated, handler)._unsafeUnwrap();
  return new Mediator(registry, constructingResolver);
}

/** A named handler instance, so failures are reported under a readable name. */
function named(name: string, handle: NotificationHandler<UserCreated>['handle']): NotificationHandler<UserCreated> {
  const cls = { [name]: class implements NotificationHandler<UserCreated> { handle = handle; } }[name];
  assert.ok(cls);
  return new cls();
}

void test('a notification without handlers publishes fine', async () => {
  const mediator = mediatorWith();
  assert.equal(await okOf(() => mediator.publish(new UserCreated(1))), undefined);
});

void test('sequential publish awaits each handler in registration order', async () => {
  const log: string[] = [];
  const firstMayFinish = deferred();
  const mediator = mediatorWith(
    named('First', async () => {
      log.push('first:start');
      await firstMayFinish.promise;
      log.push('first:end');
    }),
    named('Second', () => {
      log.push('second');
    }),
  );
  const publishing = okOf(() => mediator.publish(new UserCreated(1)));
  assert.deepEqual(log, ['first:start']);
  firstMayFinish.resolve();
  await publishing;
  assert.deepEqual(log, ['first:start', 'first:end', 'second']);
});

void test('parallel publish runs handlers concurrently and lists the failing one', async () => {
  const log: string[] = [];
  const firstStarted = deferred();
  const secondStarted = deferred();
  const boom = new Error('boom');
  // Each waits until the other has started: this completes only if both run at once.
  const mediator = mediatorWith(
    named('First', async () => {
      log.push('first:start');
      firstStarted.resolve();
      await secondStarted.promise;
      log.push('first:end');
    }),
    named('Failing', () => {
      throw boom;
    }),
    named('Second', async () => {
      log.push('second:start');
      secondStarted.resolve();
      await firstStarted.promise;
      log.push('second:end');
    }),
  );
  const error = await errOf(() => mediator.publish(new UserCreated(1), { parallel: true }));
  assert.deepEqual(log.slice(0, 2), ['first:start', 'second:start']);
  assert.deepEqual(log.slice(2).sort(), ['first:end', 'second:end']);
  assert.deepEqual(error, { kind: 'PublishFailed', notificationType: 'UserCreated', failures: [{ handler: 'Failing', cause: boom }] });
});

void test('every handler runs and every failure (throw, rejection, Err) is listed', async (t) => {
  for (const parallel of [false, true]) {
    await t.test(parallel ? 'parallel' : 'sequential', async () => {
      const ran: string[] = [];
      const thrown = new Error('thrown');
      const rejected = new Error('rejected');
      const returned = { kind: 'Nope' };
      const mediator = mediatorWith(
        named('Throws', () => {
          ran.push('Throws');
          throw thrown;
        }),
        named('Works', () => {
          ran.push('Works');
        }),
        named('Rejects', () => {
          ran.push('Rejects');
          return Promise.reject(rejected);
        }),
        named('ReturnsErr', () => {
          ran.push('ReturnsErr');
          return err(returned);
        }),
      );
      const error = await errOf(() => mediator.publish(new UserCreated(1), { parallel }));
      assert.deepEqual(ran, ['Throws', 'Works', 'Rejects', 'ReturnsErr']);
      assert.equal(error.kind, 'PublishFailed');
      assert.deepEqual(error.kind === 'PublishFailed' ? error.failures : [], [
        { handler: 'Throws', cause: thrown },
        { handler: 'Rejects', cause: rejected },
        { handler: 'ReturnsErr', cause: returned },
      ]);
    });
  }
});

void test('publish refuses an aborted signal and a non-notification', async () => {
  let ran = false;
  const mediator = mediatorWith(
    named('Handler', () => {
      ran = true;
    }),
  );
  const controller = new AbortController();
  controller.abort();
  const aborted = await errOf(() => mediator.publish(new UserCreated(1), { signal: controller.signal }));
  assert.deepEqual(aborted, { kind: 'Aborted', notificationType: 'UserCreated' });
  const invalid = await errOf(() => mediator.publish({} as Notification));
  assert.equal(invalid.kind, 'InvalidNotification');
  assert.equal(ran, false);
});

void test('publish answers a notification that is a hostile proxy with an error value, not a throw', async () => {
  const mediator = mediatorWith(named('Handler', () => undefined));
  const boom = () => {
    throw new Error('trap exploded');
  };
  for (const hostile of [new Proxy(new UserCreated(1), { getPrototypeOf: boom }), new Proxy(new UserCreated(1), { get: boom })]) {
    let answer: ReturnType<typeof mediator.publish> | undefined;
    assert.doesNotThrow(() => void (answer = mediator.publish(hostile)), 'publish does not throw');
    const error = await errOf(() => answer!);
    assert.equal(error.kind, 'InvalidNotification');
    assert.match('message' in error ? error.message : '', /trap exploded/);
  }
});

void test('notification handler classes are resolved per publish and see the context', async () => {
  const seen: string[] = [];
  class Recorder implements NotificationHandler<UserCreated> {
    handle(notification: UserCreated, context: { notificationType: string }): void {
      seen.push(`${context.notificationType}:${notification.id}`);
    }
  }
  const registry = new MediatorRegistry();
  registry.addNotificationHandler(UserCreated, Recorder)._unsafeUnwrap();
  const mediator = new Mediator(registry, constructingResolver);
  await okOf(() => mediator.publish(new UserCreated(4)));
  assert.deepEqual(seen, ['UserCreated:4']);
});
