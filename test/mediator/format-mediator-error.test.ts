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
