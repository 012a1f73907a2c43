import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MediatorRegistry, Notification, Request, handles, handlesNotification } from '../../src/mediator/index.js';
import type { NotificationHandler, RequestHandler } from '../../src/mediator/index.js';
import { GetUser, UserCreated } from './support/requests.js';
import type { User } from './support/requests.js';
import { errOfSync } from './support/outcome.js';

const alice: User = { id: 1, name: 'Alice' };

@handles(GetUser)
class GetUserHandler implements RequestHandler<GetUser> {
  handle(): User {
    return alice;
  }
}

@handles(GetUser)
class OtherGetUserHandler implements RequestHandler<GetUser> {
  handle(): User {
    return alice;
  }
}

void test('a decorated handler class is registered from its @handles mark', () => {
  const registry = new MediatorRegistry();
  registry.addHandler(GetUserHandler)._unsafeUnwrap();
  assert.deepEqual(registry.requestTypes(), ['GetUser']);
  assert.equal(registry.findRequestClass('GetUser'), GetUser);
  assert.equal(registry.findRequestClass('Nope'), undefined);
});

void test('re-adding the same handler class is a harmless no-op', () => {
  const registry = new MediatorRegistry();
  registry.addHandler(GetUserHandler)._unsafeUnwrap();
  registry.addHandler(GetUserHandler)._unsafeUnwrap();
  registry.addHandler(GetUser, GetUserHandler)._unsafeUnwrap();
  assert.deepEqual(registry.requestTypes(), ['GetUser']);
});

void test('a second, different handler for the same request type is refused', () => {
  const registry = new MediatorRegistry();
  registry.addHandler(GetUserHandler)._unsafeUnwrap();
  const error = errOfSync(() => registry.addHandler(OtherGetUserHandler));
  assert.equal(error.kind, 'DuplicateHandler');
  assert.deepEqual(
    { ...error, message: undefined },
    { kind: 'DuplicateHandler', requestType: 'GetUser', existing: 'GetUserHandler', attempted: 'OtherGetUserHandler', message: undefined },
  );
  const instance = errOfSync(() => registry.addHandler(GetUser, { handle: () => alice }));
  assert.equal(instance.kind, 'DuplicateHandler');
});

void test('a duplicate handler given as an object is named as one, or by its class, instead of "Object"', () => {
  const registry = new MediatorRegistry();
  registry.addHandler(GetUser, { handle: () => alice })._unsafeUnwrap();
  const plain = errOfSync(() => registry.addHandler(GetUser, { handle: () => alice }));
  assert.deepEqual(
    plain,
    {
      kind: 'DuplicateHandler', requestType: 'GetUser', existing: 'a handler object', attempted: 'a handler object',
      message: 'GetUser is already handled by a handler object; refusing a handler object as a second handler for it (a request type has one handler)',
    },
  );
  const instance = errOfSync(() => registry.addHandler(GetUser, new OtherGetUserHandler()));
  assert.equal(instance.kind === 'DuplicateHandler' && instance.attempted, 'OtherGetUserHandler', 'an instance of a class is named by its class');
  const bare = errOfSync(() => registry.addHandler(GetUser, Object.assign(Object.create(null) as object, { handle: () => alice })));
  assert.equal(bare.kind === 'DuplicateHandler' && bare.attempted, 'a handler object', 'an object without a prototype');
  const anonymous = errOfSync(() => registry.addHandler(GetUser, new (class { handle = () => alice })()));
  assert.equal(anonymous.kind === 'DuplicateHandler' && anonymous.attempted, 'a handler object', 'an instance of an anonymous class');
  const hostile = Object.defineProperty({ handle: () => alice }, 'constructor', { get: () => { throw new Error('constructor getter exploded'); } });
  const unreadable = errOfSync(() => registry.addHandler(GetUser, hostile));
  assert.equal(unreadable.kind === 'DuplicateHandler' && unreadable.attempted, 'a handler object', 'a constructor that cannot be read');
});

void test('two request classes with the same stable type name are refused', () => {
  class First extends Request<number> {
    static readonly requestTypeName = 'shared.name';
  }
  class Second extends Request<number> {
    static readonly requestTypeName = 'shared.name';
  }
  const registry = new MediatorRegistry();
  registry.addHandler(First, { handle: () => 1 })._unsafeUnwrap();
  const error = errOfSync(() => registry.addHandler(Second, { handle: () => 2 }));
  assert.equal(error.kind, 'DuplicateRequestTypeName');
  assert.deepEqual(registry.requestTypes(), ['shared.name']);
  assert.equal(registry.findRequestClass('shared.name'), First);
});

void test('one handler class decorated for two request (or notification) classes sharing a type name is refused, registering nothing', () => {
  class First extends Request<number> {
    static readonly requestTypeName = 'shared.name';
  }
  class Second extends Request<number> {
    static readonly requestTypeName = 'shared.name';
  }
  @handles(First)
  @handles(Second)
  class BothHandler implements RequestHandler<First | Second> {
    handle(): number {
      return 1;
    }
  }
  const registry = new MediatorRegistry();
  // Accepted before: the name then meant one of the two classes, and the other's jobs were refused as UnknownRequestType.
  assert.equal(errOfSync(() => registry.addHandler(BothHandler)).kind, 'DuplicateRequestTypeName');
  assert.deepEqual(registry.requestTypes(), []);
  assert.equal(registry.handlerFor(First), undefined);

  class Said extends Notification {
    static readonly notificationTypeName = 'shared.said';
  }
  class Told extends Notification {
    static readonly notificationTypeName = 'shared.said';
  }
  @handlesNotification(Said)
  @handlesNotification(Told)
  class Listener implements NotificationHandler<Said | Told> {
    handle(): void {}
  }
  assert.equal(errOfSync(() => registry.addNotificationHandler(Listener)).kind, 'DuplicateRequestTypeName');
  assert.deepEqual(registry.notificationHandlersFor(Said), []);
});

void test('a class without @handles given alone is refused', () => {
  class Undecorated implements RequestHandler<GetUser> {
    handle(): User {
      return alice;
    }
  }
  const error = errOfSync(() => new MediatorRegistry().addHandler(Undecorated));
  assert.deepEqual(error, {
    kind: 'MissingHandlesDecorator',
    handler: 'Undecorated',
    message: 'Undecorated has no @handles(...) decorator',
  });
});

void test('non-handlers and non-request classes are refused as InvalidRegistration', () => {
  const registry = new MediatorRegistry();
  assert.equal(errOfSync(() => registry.addHandler(GetUser, {} as RequestHandler<GetUser>)).kind, 'InvalidRegistration');
  class NotARequest {}
  const notARequest = NotARequest as unknown as typeof GetUser;
  assert.equal(errOfSync(() => registry.addHandler(notARequest, { handle: () => alice })).kind, 'InvalidRegistration');
  assert.equal(errOfSync(() => registry.addBehavior(42 as never)).kind, 'InvalidRegistration');
  assert.deepEqual(registry.requestTypes(), []);
});

void test('the decorators also accept the standard (TC39) call shape and register nothing globally', () => {
  class Handler implements RequestHandler<GetUser> {
    handle(): User {
      return alice;
    }
  }
  handles(GetUser)(Handler, { kind: 'class', name: 'Handler' } as ClassDecoratorContext);
  assert.deepEqual(Object.keys(Handler), []);
  const fresh = new MediatorRegistry();
  assert.deepEqual(fresh.requestTypes(), []);
  fresh.addHandler(Handler)._unsafeUnwrap();
  assert.deepEqual(fresh.requestTypes(), ['GetUser']);
});

void test('notification handlers: many per type, idempotent per class', () => {
  @handlesNotification(UserCreated)
  class SendWelcome implements NotificationHandler<UserCreated> {
    handle(): void {}
  }
  @handlesNotification(UserCreated)
  class Audit implements NotificationHandler<UserCreated> {
    handle(): void {}
  }
  const registry = new MediatorRegistry();
  registry.addNotificationHandler(SendWelcome)._unsafeUnwrap();
  registry.addNotificationHandler(Audit)._unsafeUnwrap();
  registry.addNotificationHandler(SendWelcome)._unsafeUnwrap();
  registry.addNotificationHandler(UserCreated, { handle: () => undefined })._unsafeUnwrap();
  assert.deepEqual(
    registry.notificationHandlersFor(UserCreated).map((provider) => provider.name),
    ['SendWelcome', 'Audit', 'a handler object'],
  );
  assert.equal(registry.findNotificationClass('UserCreated'), UserCreated);
  assert.equal(registry.findRequestClass('UserCreated'), undefined);
  class Undecorated implements NotificationHandler<UserCreated> {
    handle(): void {}
  }
  assert.equal(errOfSync(() => registry.addNotificationHandler(Undecorated)).kind, 'MissingHandlesDecorator');
});
