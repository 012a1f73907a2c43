import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordMethodCall } from '../../src/dispatch/method-call-recorder.js';
import { JobServiceRegistry } from '../../src/jobs/job-services.js';
import { errOfSync } from '../mediator/support/outcome.js';

class Base {
  inherited(value: number): number {
    return value;
  }
}

class Reports extends Base {
  readonly title = 'reports';
  ran = 0;
  field = (n: number) => n;

  build(id: number, options: { readonly since: Date; readonly limit?: bigint }): string {
    this.ran += 1;
    return `${id} ${options.since.toISOString()}`;
  }

  format(value: number): string {
    return String(value);
  }

  get summary(): string {
    throw new Error('a getter must never run while recording');
  }
}

class NotRegistered {
  run(): void {}
}

function registry(): JobServiceRegistry {
  const services = new JobServiceRegistry();
  services.add(Reports)._unsafeUnwrap();
  return services;
}

describe('recording a method call', () => {
  it('records exactly the method and its arguments, running nothing of the service', () => {
    const since = new Date('2030-01-01T00:00:00Z');
    const call = recordMethodCall(Reports, (r) => r.build(7, { since, limit: 5n }), registry())._unsafeUnwrap();
    assert.equal(call.service, Reports);
    assert.equal(call.method, 'build');
    assert.deepEqual(call.args, [7, { since, limit: 5n }]);
    assert.equal(recordMethodCall(Reports, (r) => r.inherited(3), registry())._unsafeUnwrap().method, 'inherited', 'a base class method counts');
    const viaVariable = recordMethodCall(Reports, (r) => {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- the recorder is called unbound on purpose
      const format = r.format;
      return format(1);
    }, registry())._unsafeUnwrap();
    assert.deepEqual([viaVariable.method, viaVariable.args], ['format', [1]]);
  });

  it('refuses a class that is not a registered job service, before running the function', () => {
    let ran = false;
    const error = errOfSync(() => recordMethodCall(NotRegistered, (s) => ((ran = true), s.run()), registry()));
    assert.deepEqual([error.kind, ran], ['UnknownService', false]);
    assert.match(error.message, /NotRegistered is not registered as a job service/);
  });

  const refused: [string, (r: Reports) => unknown, RegExp][] = [
    ['a property read', (r) => r.title, /read title, which is not a method of Reports/],
    ['a property read beside a call', (r) => (r.title, r.format(1)), /read title/],
    ['a getter', (r) => r.summary, /read summary/],
    ['a class field holding a function', (r) => r.field(1), /read field/],
    // eslint-disable-next-line @typescript-eslint/unbound-method -- reading without calling is the refused case
    ['no call', (r) => r.format, /made no method call/],
    ['nothing at all', () => undefined, /made no method call/],
    ['two calls', (r) => [r.format(1), r.format(2)], /made 2 calls \(format, format\)/],
    ['a nested call', (r) => r.build(r.format(1) as never, { since: new Date() }), /made 2 calls/],
    ['a chained call', (r) => (r.format(1) as unknown as { length: number }).length, /used what a call returned/],
    ['the service as an argument', (r) => r.build(1, r as never), /passed the service itself/],
    ['an assignment', (r) => ((r.ran = 3), r.format(1)), /assigned ran/],
    ['an async function', async (r) => r.format(1), /is async/],
    ['a throw', () => { throw new Error('boom'); }, /threw boom/],
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- an inherited Object method is the refused case
    ['Object.prototype methods', (r) => r.toString(), /read toString/],
  ];
  for (const [what, call, message] of refused) {
    it(`refuses ${what} (InvalidMethodCall)`, () => {
      const error = errOfSync(() => recordMethodCall(Reports, call, registry()));
      assert.equal(error.kind, 'InvalidMethodCall', error.message);
      assert.match(error.message, message);
    });
  }

  it('refuses arguments that cannot be stored (Unserializable), naming where', () => {
    const fn = errOfSync(() => recordMethodCall(Reports, (r) => r.build(1, { since: new Date(), limit: (() => 1n) as never }), registry()));
    assert.equal(fn.kind, 'Unserializable');
    assert.match(fn.message, /Reports\.build arguments\[1\]\.limit cannot be stored: a function/);
    const cycle: { self?: unknown } = {};
    cycle.self = cycle;
    const cyclic = errOfSync(() => recordMethodCall(Reports, (r) => r.build(1, cycle as never), registry()));
    assert.equal(cyclic.kind, 'Unserializable');
    assert.match(cyclic.message, /cycle/);
  });

  it('refuses a class instance among the arguments (Unserializable), naming where and the class', () => {
    class Cursor {
      constructor(readonly position: number) {}
      next(): Cursor {
        return new Cursor(this.position + 1);
      }
    }
    const error = errOfSync(() => recordMethodCall(Reports, (r) => r.build(1, { since: new Date(), limit: new Cursor(3) as never }), registry()));
    assert.equal(error.kind, 'Unserializable');
    assert.match(error.message, /Reports\.build arguments\[1\]\.limit cannot be stored: an instance of Cursor would reach the handler as a plain object/);
  });
});
