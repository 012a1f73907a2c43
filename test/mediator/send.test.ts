import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { err, errAsync, ok, okAsync } from 'neverthrow';
import type { ResultAsync } from 'neverthrow';
import { Mediator, MediatorRegistry, Request, constructingResolver, handles } from '../../src/mediator/index.js';
import type {
  HandlerContext,
  MediatorError,
  RequestHandler,
  ServiceResolver,
} from '../../src/mediator/index.js';
import { expectType } from './support/expect-type.js';
import { errOf, okOf } from './support/outcome.js';
import { DeleteUser, FindUser, GetUser } from './support/requests.js';
import type { User, UserNotFound } from './support/requests.js';

const alice: User = { id: 1, name: 'Alice' };

function mediatorWith(register: (registry: MediatorRegistry) => void, resolver: ServiceResolver = constructingResolver) {
  const registry = new MediatorRegistry();
  register(registry);
  return new Mediator(registry, resolver);
}


void test('send is typed by the request and answers with the handler value', async () => {
  @handles(GetUser)
  class GetUserHandler implements RequestHandler<GetUser> {
    handle(request: GetUser): User {
      return { ...alice, id: request.id };
    }
  }
  const mediator = mediatorWith((registry) => registry.addHandler(GetUserHandler)._unsafeUnwrap());
  const getUser = () => mediator.send(new GetUser(7));
  const findUser = () => mediator.send(new FindUser(7));
  expectType<() => ResultAsync<User, MediatorError>>()(getUser);
  expectType<() => ResultAsync<User, MediatorError | UserNotFound>>()(findUser);
  assert.deepEqual(await okOf(getUser), { id: 7, name: 'Alice' });
});

void test('a request without a response answers void', async () => {
  const deleted: number[] = [];
  const mediator = mediatorWith((registry) =>
    registry
      .addHandler(DeleteUser, {
        handle: (request: DeleteUser) => {
          deleted.push(request.id);
        },
      })
      ._unsafeUnwrap(),
  );
  const deleteUser = () => mediator.send(new DeleteUser(3));
  expectType<() => ResultAsync<void, MediatorError>>()(deleteUser);
  assert.equal(await okOf(deleteUser), undefined);
  assert.deepEqual(deleted, [3]);
});

void test('every handler return shape is normalised', async (t) => {
  const shapes: Record<string, (request: GetUser) => unknown> = {
    'plain value': () => alice,
    Promise: () => Promise.resolve(alice),
    Ok: () => ok(alice),
    ResultAsync: () => okAsync(alice),
    'Promise of Result': () => Promise.resolve(ok(alice)),
  };
  for (const [shape, handle] of Object.entries(shapes)) {
    await t.test(shape, async () => {
      const mediator = mediatorWith((registry) =>
        registry.addHandler(GetUser, { handle } as RequestHandler<GetUser>)._unsafeUnwrap(),
      );
      assert.deepEqual(await okOf(() => mediator.send(new GetUser(1))), alice);
    });
  }
});

void test('a plain object that looks like a Result is a response, not a Result', async () => {
  class GetShape extends Request<{ isOk: () => boolean; isErr: () => boolean; value: number }> {}
  const shape = { isOk: () => false, isErr: () => true, value: 1 };
  const mediator = mediatorWith((registry) => registry.addHandler(GetShape, { handle: () => shape })._unsafeUnwrap());
  assert.equal(await okOf(() => mediator.send(new GetShape())), shape);
});

void test("the handler's own Err passes through unchanged", async (t) => {
  const notFound: UserNotFound = { kind: 'UserNotFound', id: 9 };
  const shapes: Record<string, () => unknown> = {
    Err: () => err(notFound),
    'ResultAsync Err': () => errAsync(notFound),
    'Promise of Err': () => Promise.resolve(err(notFound)),
  };
  for (const [shape, handle] of Object.entries(shapes)) {
    await t.test(shape, async () => {
      const mediator = mediatorWith((registry) =>
        registry.addHandler(FindUser, { handle } as RequestHandler<FindUser>)._unsafeUnwrap(),
      );
      assert.equal(await errOf(() => mediator.send(new FindUser(9))), notFound);
    });
  }
});

void test('a throwing or rejecting handler gives HandlerFailed with the cause', async (t) => {
  const boom = new Error('boom');
  const shapes: Record<string, () => unknown> = {
    throws: () => {
      throw boom;
    },
    rejects: () => Promise.reject(boom),
  };
  for (const [shape, handle] of Object.entries(shapes)) {
    await t.test(shape, async () => {
      const mediator = mediatorWith((registry) =>
        registry.addHandler(GetUser, { handle } as RequestHandler<GetUser>)._unsafeUnwrap(),
      );
      assert.deepEqual(await errOf(() => mediator.send(new GetUser(1))), { kind: 'HandlerFailed', requestType: 'GetUser', cause: boom });
    });
  }
});

void test('a request without a handler gives NoHandler', async () => {
  const mediator = mediatorWith(() => undefined);
  assert.deepEqual(await errOf(() => mediator.send(new GetUser(1))), { kind: 'NoHandler', requestType: 'GetUser' });
});

void test('something that is not a Request gives InvalidRequest', async (t) => {
  const mediator = mediatorWith(() => undefined);
  for (const value of [null, undefined, { id: 1 }, 'GetUser']) {
    await t.test(inspect(value), async () => {
      assert.equal((await errOf(() => mediator.send(value as unknown as GetUser))).kind, 'InvalidRequest');
    });
  }
});

void test('a resolver that throws gives HandlerResolutionFailed', async () => {
  const cause = new Error('cannot construct');
  class GetUserHandler implements RequestHandler<GetUser> {
    handle(): User {
      return alice;
    }
  }
  const resolver: ServiceResolver = {
    resolve: () => {
      throw cause;
    },
  };
  const mediator = mediatorWith((registry) => registry.addHandler(GetUser, GetUserHandler)._unsafeUnwrap(), resolver);
  assert.deepEqual(await errOf(() => mediator.send(new GetUser(1))), { kind: 'HandlerResolutionFailed', requestType: 'GetUser', cause });
});

void test('a handler class is resolved on every send', async () => {
  const instances: object[] = [];
  class GetUserHandler implements RequestHandler<GetUser> {
    constructor() {
      instances.push(this);
    }
    handle(): User {
      return alice;
    }
  }
  const mediator = mediatorWith((registry) => registry.addHandler(GetUser, GetUserHandler)._unsafeUnwrap());
  await okOf(() => mediator.send(new GetUser(1)));
  await okOf(() => mediator.send(new GetUser(2)));
  assert.equal(instances.length, 2);
  assert.notEqual(instances[0], instances[1]);
});

void test('an already aborted signal gives Aborted without running the handler', async () => {
  let ran = false;
  const mediator = mediatorWith((registry) =>
    registry
      .addHandler(GetUser, {
        handle: () => {
          ran = true;
          return alice;
        },
      })
      ._unsafeUnwrap(),
  );
  const controller = new AbortController();
  controller.abort();
  assert.deepEqual(await errOf(() => mediator.send(new GetUser(1), { signal: controller.signal })), { kind: 'Aborted', requestType: 'GetUser' });
  assert.equal(ran, false);
});

void test('the handler sees the signal, the type name and the job through its context', async () => {
  const contexts: HandlerContext[] = [];
  const mediator = mediatorWith((registry) =>
    registry
      .addHandler(GetUser, {
        handle: (_request: GetUser, context: HandlerContext) => {
          contexts.push(context);
          return alice;
        },
      })
      ._unsafeUnwrap(),
  );
  const controller = new AbortController();
  const job = { jobId: 'job-1', attempt: 2, queue: 'default' };
  await okOf(() => mediator.send(new GetUser(1), { signal: controller.signal, job }));
  await okOf(() => mediator.send(new GetUser(1)));
  assert.equal(contexts[0]?.signal, controller.signal);
  assert.equal(contexts[0]?.requestType, 'GetUser');
  assert.deepEqual(contexts[0]?.job, job);
  assert.equal(contexts[1]?.signal.aborted, false);
  assert.equal(contexts[1]?.job, undefined);
});
