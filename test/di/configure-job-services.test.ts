import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Container, inject, injectable } from 'inversify';
import { defaultOptions, resolveOptions } from '../../src/config/index.js';
import { JOB_OPTIONS, MEDIATOR, MEDIATOR_REGISTRY, configureJobServices } from '../../src/di/index.js';
import { Request, handles, handlesNotification } from '../../src/mediator/index.js';
import type { IMediator, Next, NotificationHandler, PipelineBehavior, RequestHandler } from '../../src/mediator/index.js';
import { errOf, errOfSync, okOf } from '../mediator/support/outcome.js';
import { GetUser, UserCreated } from '../mediator/support/requests.js';
import type { User } from '../mediator/support/requests.js';

const USER_STORE = Symbol('UserStore');
const CONSTRUCTIONS = Symbol('Constructions');

interface UserStore {
  find(id: number): User;
}

/** Records each handler instance the container builds. */
type Constructions = object[];

// tsx/esbuild emit no decorator metadata: every constructor parameter needs @inject.
@injectable()
@handles(GetUser)
class GetUserHandler implements RequestHandler<GetUser> {
  constructor(
    @inject(USER_STORE) private readonly users: UserStore,
    @inject(CONSTRUCTIONS) constructions: Constructions,
  ) {
    constructions.push(this);
  }

  handle(request: GetUser): User {
    return this.users.find(request.id);
  }
}

@injectable()
@handlesNotification(UserCreated)
class RecordCreation implements NotificationHandler<UserCreated> {
  constructor(@inject(CONSTRUCTIONS) private readonly constructions: Constructions) {}

  handle(notification: UserCreated): void {
    this.constructions.push({ created: notification.id });
  }
}

@injectable()
class Uppercase implements PipelineBehavior<GetUser> {
  handle(_request: GetUser, next: Next<GetUser>) {
    return next().map((user) => ({ ...user, name: user.name.toUpperCase() }));
  }
}

function containerWithDependencies(constructions: Constructions): Container {
  const container = new Container();
  container.bind<UserStore>(USER_STORE).toConstantValue({ find: (id) => ({ id, name: `user${id}` }) });
  container.bind<Constructions>(CONSTRUCTIONS).toConstantValue(constructions);
  return container;
}

void test('handlers get constructor injection and are built per send (transient)', async () => {
  const constructions: Constructions = [];
  const container = containerWithDependencies(constructions);
  const mediator = configureJobServices(container, { handlers: [GetUserHandler] })._unsafeUnwrap();
  assert.deepEqual(await okOf(() => mediator.send(new GetUser(7))), { id: 7, name: 'user7' });
  await okOf(() => mediator.send(new GetUser(8)));
  assert.equal(constructions.length, 2);
  assert.notEqual(constructions[0], constructions[1]);
  assert.equal(container.get(MEDIATOR), mediator);
});

void test('notification handlers and behaviours are registered and bound too', async () => {
  const constructions: Constructions = [];
  const container = containerWithDependencies(constructions);
  const mediator = configureJobServices(container, {
    handlers: [GetUserHandler],
    notificationHandlers: [RecordCreation],
    behaviors: [{ behavior: Uppercase, for: GetUser }],
  })._unsafeUnwrap();
  assert.deepEqual(await okOf(() => mediator.send(new GetUser(2))), { id: 2, name: 'USER2' });
  await okOf(() => mediator.publish(new UserCreated(3)));
  assert.deepEqual(constructions.at(-1), { created: 3 });
  assert.ok(container.isBound(Uppercase));
  assert.ok(container.isBound(RecordCreation));
});

void test('configuring twice reuses the registry and mediator and duplicates nothing', async () => {
  const constructions: Constructions = [];
  const container = containerWithDependencies(constructions);
  const options = defaultOptions();
  const setup = { options, handlers: [GetUserHandler], behaviors: [{ behavior: Uppercase, for: GetUser }] };
  const first = configureJobServices(container, setup)._unsafeUnwrap();
  const second = configureJobServices(container, { ...setup, notificationHandlers: [RecordCreation] })._unsafeUnwrap();
  assert.equal(second, first);
  assert.equal(container.get(MEDIATOR_REGISTRY).requestTypes().length, 1);
  assert.equal(container.get(JOB_OPTIONS), options);
  // Uppercasing twice would be invisible; count the behaviour's runs instead.
  assert.equal(container.get(MEDIATOR_REGISTRY).behaviorsFor(GetUser).length, 1);
  assert.deepEqual(await okOf(() => second.send(new GetUser(1))), { id: 1, name: 'USER1' });
  await okOf(() => second.publish(new UserCreated(5)));
  assert.deepEqual(constructions.at(-1), { created: 5 });
});

void test('a different options object on a second call is refused, the first kept', () => {
  const container = new Container();
  const options = defaultOptions();
  configureJobServices(container, { options })._unsafeUnwrap();
  const other = resolveOptions({ WorkerCount: 2 })._unsafeUnwrap();
  const error = errOfSync(() => configureJobServices(container, { options: other }));
  assert.equal(error.kind, 'OptionsAlreadyBound');
  assert.equal(container.get(JOB_OPTIONS), options);
});

void test('registration errors surface from configureJobServices', () => {
  @injectable()
  @handles(GetUser)
  class Another implements RequestHandler<GetUser> {
    handle(): User {
      return { id: 0, name: '' };
    }
  }
  const container = containerWithDependencies([]);
  const error = errOfSync(() => configureJobServices(container, { handlers: [GetUserHandler, Another] }));
  assert.equal(error.kind, 'DuplicateHandler');
});

void test('a handler whose dependency is not bound gives HandlerResolutionFailed', async () => {
  const MISSING = Symbol('Missing');
  class Ping extends Request<string> {}
  @injectable()
  @handles(Ping)
  class PingHandler implements RequestHandler<Ping> {
    constructor(@inject(MISSING) readonly missing: unknown) {}
    handle(): string {
      return 'pong';
    }
  }
  const mediator: IMediator = configureJobServices(new Container(), { handlers: [PingHandler] })._unsafeUnwrap();
  const error = await errOf(() => mediator.send(new Ping()));
  assert.equal(error.kind, 'HandlerResolutionFailed');
});

void test('a handler added straight to the registry is still built by the container', async () => {
  class Ping extends Request<string> {}
  class PingHandler implements RequestHandler<Ping> {
    handle(): string {
      return 'pong';
    }
  }
  const container = new Container();
  const mediator = configureJobServices(container)._unsafeUnwrap();
  container.get(MEDIATOR_REGISTRY).addHandler(Ping, PingHandler)._unsafeUnwrap();
  assert.equal(await okOf(() => mediator.send(new Ping())), 'pong');
});
