/**
 * The worker's jobs get a signal made only when a handler reads it
 * (LazyAbortController): whatever the order of aborting and reading, the
 * handler sees the same thing it would with an eagerly made signal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LazyAbortController } from '../../src/mediator/lazy-abort-controller.js';
import { Mediator, MediatorRegistry, constructingResolver } from '../../src/mediator/index.js';
import type { HandlerContext } from '../../src/mediator/index.js';
import { errOf, okOf } from './support/outcome.js';
import { GetUser } from './support/requests.js';

void test('aborted before anyone asked: the signal made later is already aborted, with the reason', () => {
  const lazy = new LazyAbortController();
  const reason = new Error('the server is stopping');
  lazy.abort(reason);
  assert.equal(lazy.aborted, true);
  assert.equal(lazy.signal.aborted, true);
  assert.equal(lazy.signal.reason, reason);
  assert.equal(lazy.reason, reason);
});

void test('aborted after the signal was made: its listeners hear it once, and a second abort changes nothing', () => {
  const lazy = new LazyAbortController();
  const signal = lazy.signal;
  let heard = 0;
  signal.addEventListener('abort', () => heard++);
  lazy.abort(new Error('deleted'));
  lazy.abort(new Error('stopping'));
  assert.equal(signal.aborted, true);
  assert.equal(heard, 1);
  assert.equal((signal.reason as Error).message, 'deleted');
  assert.equal(lazy.signal, signal, 'one signal per controller');
});

void test('a send with a lazy signal: the same signal on every read, kept by a spread, and Aborted when aborted first', async () => {
  const contexts: HandlerContext[] = [];
  const registry = new MediatorRegistry();
  registry.addHandler(GetUser, { handle: (_request: GetUser, context: HandlerContext) => { contexts.push(context); return { id: 1, name: 'Alice' }; } })._unsafeUnwrap();
  const mediator = new Mediator(registry, constructingResolver);

  const unread = new LazyAbortController();
  await okOf(() => mediator.send(new GetUser(1), { lazySignal: unread }));
  const read = new LazyAbortController();
  await okOf(() => mediator.send(new GetUser(1), { lazySignal: read }));
  assert.equal(contexts[1]?.signal, read.signal);
  assert.equal(contexts[1]?.signal, contexts[1]?.signal);
  // A context spread by user code keeps its signal: the getter is an own, enumerable property.
  assert.equal({ ...contexts[1] }.signal, read.signal);
  read.abort(new Error('deleted'));
  assert.equal(contexts[1]?.signal.aborted, true);

  const abortedFirst = new LazyAbortController();
  abortedFirst.abort(new Error('stopping'));
  assert.deepEqual(await errOf(() => mediator.send(new GetUser(1), { lazySignal: abortedFirst })), { kind: 'Aborted', requestType: 'GetUser' });
  assert.equal(contexts.length, 2, 'the handler did not run');
});
