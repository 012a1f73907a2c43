import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Notification, Request, notificationTypeNameOf, requestTypeNameOf } from '../../src/mediator/index.js';
import type { ErrorOf, ResponseOf } from '../../src/mediator/index.js';
import { assertTypes } from './support/expect-type.js';
import type { Equals } from './support/expect-type.js';
import { DeleteUser, FindUser, GetUser, UserCreated } from './support/requests.js';
import type { User, UserNotFound } from './support/requests.js';

void test('ResponseOf and ErrorOf infer the phantom types of subclasses with constructor parameters', () => {
  assertTypes<Equals<ResponseOf<GetUser>, User>>();
  assertTypes<Equals<ErrorOf<GetUser>, never>>();
  assertTypes<Equals<ResponseOf<FindUser>, User>>();
  assertTypes<Equals<ErrorOf<FindUser>, UserNotFound>>();
  assertTypes<Equals<ResponseOf<DeleteUser>, void>>();
  class Nested extends GetUser {
    constructor(id: number, readonly extra: string) {
      super(id);
    }
  }
  assertTypes<Equals<ResponseOf<Nested>, User>>();
});

void test('requests carry no runtime fields besides their own', () => {
  assert.deepEqual(Object.keys(new GetUser(3)), ['id']);
  assert.equal(JSON.stringify(new GetUser(3)), '{"id":3}');
});

void test('the stable type name is the static requestTypeName, else the class name', () => {
  class Renamed extends Request<number> {
    static readonly requestTypeName = 'users.renamed.v1';
  }
  class Child extends Renamed {}
  assert.equal(requestTypeNameOf(GetUser), 'GetUser');
  assert.equal(requestTypeNameOf(new GetUser(1)), 'GetUser');
  assert.equal(requestTypeNameOf(Renamed), 'users.renamed.v1');
  assert.equal(requestTypeNameOf(new Renamed()), 'users.renamed.v1');
  // A subclass does not inherit the name: two classes must not share one persisted name.
  assert.equal(requestTypeNameOf(Child), 'Child');
});

void test('notifications have stable type names too', () => {
  class Versioned extends Notification {
    static readonly notificationTypeName = 'users.versioned.v2';
  }
  assert.equal(notificationTypeNameOf(UserCreated), 'UserCreated');
  assert.equal(notificationTypeNameOf(new UserCreated(1)), 'UserCreated');
  assert.equal(notificationTypeNameOf(new Versioned()), 'users.versioned.v2');
});
