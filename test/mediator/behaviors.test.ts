import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok } from 'neverthrow';
import { Mediator, MediatorRegistry, constructingResolver } from '../../src/mediator/index.js';
import type { Next, PipelineBehavior, ServiceResolver } from '../../src/mediator/index.js';
import { errOf, okOf } from './support/outcome.js';
import { DeleteUser, GetUser } from './support/requests.js';
import type { User } from './support/requests.js';

const alice: User = { id: 1, name: 'Alice' };

function setup(log: string[], resolver: ServiceResolver = constructingResolver) {
  const registry = new MediatorRegistry();
  registry
    .addHandler(GetUser, {
      handle: () => {
        log.push('handler');
        return alice;
      },
    })
    ._unsafeUnwrap();
  registry
    .addHandler(DeleteUser, {
      handle: () => {
        log.push('delete');
      },
    })
    ._unsafeUnwrap();
  return { registry, mediator: new Mediator(registry, resolver) };
}

function tracing(log: string[], name: string) {
  return async (_request: unknown, next: Next) => {
    log.push(`${name}:before`);
    const result = await next();
    log.push(`${name}:after`);
    return result;
  };
}

void test('behaviours wrap the handler, first registered outermost, global and per type interleaved', async () => {
  const log: string[] = [];
  const { registry, mediator } = setup(log);
  registry.addBehavior(tracing(log, 'global1'))._unsafeUnwrap();
  registry.addBehavior(tracing(log, 'getUser'), { for: GetUser })._unsafeUnwrap();
  registry.addBehavior(tracing(log, 'deleteUser'), { for: DeleteUser })._unsafeUnwrap();
  registry.addBehavior(tracing(log, 'global2'))._unsafeUnwrap();
  assert.deepEqual(await okOf(() => mediator.send(new GetUser(1))), alice);
  assert.deepEqual(log, [
    'global1:before',
    'getUser:before',
    'global2:before',
    'handler',
    'global2:after',
    'getUser:after',
    'global1:after',
  ]);
  log.length = 0;
  await okOf(() => mediator.send(new DeleteUser(1)));
  assert.deepEqual(log, [
    'global1:before',
    'deleteUser:before',
    'global2:before',
    'delete',
    'global2:after',
    'deleteUser:after',
    'global1:after',
  ]);
});

void test('re-adding the same behaviour for the same scope does not duplicate it', async () => {
  const log: string[] = [];
  const { registry, mediator } = setup(log);
  const behavior = tracing(log, 'once');
  registry.addBehavior(behavior)._unsafeUnwrap();
  registry.addBehavior(behavior)._unsafeUnwrap();
  await okOf(() => mediator.send(new GetUser(1)));
  assert.deepEqual(log, ['once:before', 'handler', 'once:after']);
});

void test('a behaviour can short-circuit: the handler does not run', async () => {
  const log: string[] = [];
  const { registry, mediator } = setup(log);
  const cached: User = { id: 1, name: 'Cached' };
  registry.addBehavior(() => ok(cached), { for: GetUser })._unsafeUnwrap();
  assert.equal(await okOf(() => mediator.send(new GetUser(1))), cached);
  assert.deepEqual(log, []);
});

void test('a behaviour can replace the response', async () => {
  const log: string[] = [];
  const { registry, mediator } = setup(log);
  registry
    .addBehavior<GetUser>((_request, next) => next().map((user) => ({ ...user, name: user.name.toUpperCase() })), {
      for: GetUser,
    })
    ._unsafeUnwrap();
  assert.deepEqual(await okOf(() => mediator.send(new GetUser(1))), { id: 1, name: 'ALICE' });
});

void test('a throwing or rejecting behaviour gives BehaviorFailed', async (t) => {
  const boom = new Error('boom');
  const shapes = {
    throws: function throwing(): never {
      throw boom;
    },
    rejects: function rejecting(): Promise<never> {
      return Promise.reject(boom);
    },
  };
  for (const [shape, behavior] of Object.entries(shapes)) {
    await t.test(shape, async () => {
      const log: string[] = [];
      const { registry, mediator } = setup(log);
      registry.addBehavior(behavior)._unsafeUnwrap();
      const error = await errOf(() => mediator.send(new GetUser(1)));
      assert.deepEqual(error, { kind: 'BehaviorFailed', requestType: 'GetUser', behavior: behavior.name, cause: boom });
      assert.deepEqual(log, []);
    });
  }
});

void test('behaviour classes are resolved per send; a resolution failure is reported', async () => {
  const log: string[] = [];
  let built = 0;
  class Counting implements PipelineBehavior {
    constructor() {
      built += 1;
    }
    handle(_request: unknown, next: Next) {
      return next();
    }
  }
  const { registry, mediator } = setup(log);
  registry.addBehavior(Counting)._unsafeUnwrap();
  await okOf(() => mediator.send(new GetUser(1)));
  await okOf(() => mediator.send(new GetUser(2)));
  assert.equal(built, 2);

  const cause = new Error('unbound');
  const failing = new Mediator(registry, {
    resolve: () => {
      throw cause;
    },
  });
  const error = await errOf(() => failing.send(new GetUser(1)));
  assert.deepEqual(error, { kind: 'BehaviorResolutionFailed', requestType: 'GetUser', behavior: 'Counting', cause });
});
