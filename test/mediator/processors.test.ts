import { test } from 'node:test';
import assert from 'node:assert/strict';
import { err, ok } from 'neverthrow';
import type { Result } from 'neverthrow';
import {
  Mediator,
  MediatorRegistry,
  constructingResolver,
  exceptionHandler,
  postProcessor,
  preProcessor,
} from '../../src/mediator/index.js';
import type { MediatorError, RequestHandler } from '../../src/mediator/index.js';
import { errOf, okOf } from './support/outcome.js';
import { FindUser, GetUser } from './support/requests.js';
import type { User, UserNotFound } from './support/requests.js';

const alice: User = { id: 1, name: 'Alice' };

function mediatorFor(registry: MediatorRegistry): Mediator {
  return new Mediator(registry, constructingResolver);
}

void test('preProcessor runs before the handler and may stop it with an Err', async () => {
  const log: string[] = [];
  const registry = new MediatorRegistry();
  registry
    .addHandler(FindUser, {
      handle: (request: FindUser) => {
        log.push(`handler:${request.id}`);
        return alice;
      },
    })
    ._unsafeUnwrap();
  const notFound: UserNotFound = { kind: 'UserNotFound', id: 0 };
  registry
    .addBehavior(
      preProcessor<FindUser>((request) => {
        log.push(`pre:${request.id}`);
        return request.id === 0 ? err(notFound) : ok(undefined);
      }),
      { for: FindUser },
    )
    ._unsafeUnwrap();
  const mediator = mediatorFor(registry);
  assert.deepEqual(await okOf(() => mediator.send(new FindUser(1))), alice);
  assert.equal(await errOf(() => mediator.send(new FindUser(0))), notFound);
  assert.deepEqual(log, ['pre:1', 'handler:1', 'pre:0']);
});

void test('postProcessor sees the whole Result and leaves it unchanged', async () => {
  const seen: Result<User, MediatorError>[] = [];
  const boom = new Error('boom');
  const registry = new MediatorRegistry();
  registry
    .addHandler(GetUser, {
      handle: (request: GetUser) => {
        if (request.id === 0) throw boom;
        return alice;
      },
    })
    ._unsafeUnwrap();
  registry
    .addBehavior(
      postProcessor<GetUser>((_request, result) => {
        seen.push(result);
      }),
    )
    ._unsafeUnwrap();
  const mediator = mediatorFor(registry);
  assert.equal(await okOf(() => mediator.send(new GetUser(1))), alice);
  const failure = await errOf(() => mediator.send(new GetUser(0)));
  assert.equal(seen.length, 2);
  assert.deepEqual(
    seen.map((result) => result.match((user) => user.name, (error) => error.kind)),
    ['Alice', 'HandlerFailed'],
  );
  assert.equal(seen[1]?.match(() => undefined, (error) => error), failure);
});

void test('postProcessor that throws gives BehaviorFailed', async () => {
  const registry = new MediatorRegistry();
  registry.addHandler(GetUser, { handle: () => alice })._unsafeUnwrap();
  const boom = new Error('post failed');
  registry
    .addBehavior(
      postProcessor(() => {
        throw boom;
      }),
    )
    ._unsafeUnwrap();
  const error = await errOf(() => mediatorFor(registry).send(new GetUser(1)));
  assert.equal(error.kind, 'BehaviorFailed');
});

void test('exceptionHandler turns HandlerFailed into a response or another error', async () => {
  const boom = new Error('database down');
  class Failing implements RequestHandler<FindUser> {
    handle(request: FindUser): User {
      if (request.id === 2) throw boom;
      if (request.id === 3) throw new Error('other');
      return alice;
    }
  }
  const notFound: UserNotFound = { kind: 'UserNotFound', id: 4 };
  const registry = new MediatorRegistry();
  registry.addHandler(FindUser, Failing)._unsafeUnwrap();
  registry
    .addBehavior(
      exceptionHandler<FindUser>((cause, request) =>
        cause === boom ? ok({ id: request.id, name: 'fallback' }) : err(notFound),
      ),
      { for: FindUser },
    )
    ._unsafeUnwrap();
  const mediator = mediatorFor(registry);
  assert.deepEqual(await okOf(() => mediator.send(new FindUser(2))), { id: 2, name: 'fallback' });
  assert.equal(await errOf(() => mediator.send(new FindUser(3))), notFound);
  assert.deepEqual(await okOf(() => mediator.send(new FindUser(1))), alice);
});

void test("exceptionHandler leaves the handler's own Err alone", async () => {
  const notFound: UserNotFound = { kind: 'UserNotFound', id: 5 };
  let called = false;
  const registry = new MediatorRegistry();
  registry.addHandler(FindUser, { handle: () => err(notFound) })._unsafeUnwrap();
  registry
    .addBehavior(
      exceptionHandler<FindUser>(() => {
        called = true;
        return alice;
      }),
    )
    ._unsafeUnwrap();
  assert.equal(await errOf(() => mediatorFor(registry).send(new FindUser(5))), notFound);
  assert.equal(called, false);
});
