import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMediatorError } from '../../src/mediator/index.js';

void test('formatMediatorError describes each variant on one line', () => {
  const cause = new Error('boom');
  assert.equal(formatMediatorError({ kind: 'NoHandler', requestType: 'GetUser' }), 'GetUser: no handler is registered');
  assert.equal(
    formatMediatorError({ kind: 'HandlerFailed', requestType: 'GetUser', cause }),
    'GetUser: the handler failed: boom',
  );
  assert.equal(
    formatMediatorError({ kind: 'BehaviorFailed', requestType: 'GetUser', behavior: 'Logging', cause: 'text' }),
    'GetUser: behaviour Logging failed: text',
  );
  assert.equal(
    formatMediatorError({
      kind: 'PublishFailed',
      notificationType: 'UserCreated',
      failures: [
        { handler: 'A', cause },
        { handler: 'B', cause: { kind: 'Nope' } },
      ],
    }),
    'UserCreated: 2 handler(s) failed: A (boom); B (Nope)',
  );
  assert.equal(formatMediatorError({ kind: 'Aborted', requestType: 'GetUser' }), 'GetUser: aborted before the handler ran');
});

void test('formatMediatorError describes a cause whose getters, traps or toString throw, without throwing', () => {
  const getters = {
    get message(): string {
      throw new Error('message getter');
    },
  };
  const proxy = new Proxy({}, { get: () => { throw new Error('get trap'); } });
  const toStringThrows = Object.assign(Object.create(null) as object, { toString: () => { throw new Error('toString'); } });
  for (const cause of [getters, proxy, toStringThrows]) {
    const described = formatMediatorError({ kind: 'HandlerFailed', requestType: 'GetUser', cause });
    assert.match(described, /^GetUser: the handler failed: /);
  }
  assert.equal(
    formatMediatorError({ kind: 'PublishFailed', notificationType: 'UserCreated', failures: [{ handler: 'A', cause: proxy }] }).startsWith('UserCreated: 1 handler(s) failed: A ('),
    true,
  );
});
