import { Notification, Request } from '../../../src/mediator/index.js';

/** A user, the response of GetUser. */
export interface User {
  readonly id: number;
  readonly name: string;
}

/** GetUser's own domain error. */
export interface UserNotFound {
  readonly kind: 'UserNotFound';
  readonly id: number;
}

/** A request with a response and no declared error. */
export class GetUser extends Request<User> {
  constructor(readonly id: number) {
    super();
  }
}

/** A request declaring its own error type. */
export class FindUser extends Request<User, UserNotFound> {
  constructor(readonly id: number) {
    super();
  }
}

/** A request without a response. */
export class DeleteUser extends Request {
  constructor(readonly id: number) {
    super();
  }
}

/** A notification. */
export class UserCreated extends Notification {
  constructor(readonly id: number) {
    super();
  }
}
