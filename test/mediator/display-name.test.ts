import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Request, displayNameOf } from '../../src/mediator/index.js';

class Plain extends Request<void> {}
class Described extends Request<void> {
  constructor(readonly jobType: string) {
    super();
  }
  override toString(): string {
    return `Student Notifier ${this.jobType}`;
  }
}
class Broken extends Request<void> {
  override toString(): string {
    throw new Error('boom');
  }
}
class Named extends Request<void> {
  static readonly requestTypeName = 'billing.Named';
}

it('uses the request’s own toString, else the stable type name', () => {
  assert.equal(displayNameOf(new Described('Recurring')), 'Student Notifier Recurring');
  assert.equal(displayNameOf(new Plain()), 'Plain');
  assert.equal(displayNameOf(new Named()), 'billing.Named');
  assert.equal(displayNameOf(new Broken()), 'Broken');
});
