import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { err, ok } from 'neverthrow';
import { Request } from '../../src/mediator/index.js';
import { STORAGE_KINDS } from '../support/test-storage.js';
import { testEngine } from './support.js';

class Flaky extends Request<string, { kind: 'Flaky'; message: string; retryable?: boolean }> {
  constructor(readonly key: string, readonly failures: number, readonly retryable = true) {
    super();
  }
}
class Doomed extends Request<void> {}

/** Retries at once instead of Hangfire's minutes-long back-off. */
const IMMEDIATE = { defaults: { delaysMs: [0] } };

for (const kind of STORAGE_KINDS) {
  describe(`automatic retries (${kind})`, () => {
    it('a handler failing twice then succeeding ends Succeeded, every attempt in its history', async () => {
      const attempts = new Map<string, number[]>();
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Flaky, {
          handle: (request: Flaky, context) => {
            const seen = attempts.get(request.key) ?? [];
            seen.push(context.job?.attempt ?? 0);
            attempts.set(request.key, seen);
            return seen.length <= request.failures ? err({ kind: 'Flaky' as const, message: `failure ${seen.length}` }) : ok('done');
          },
        })._unsafeUnwrap();
      }, {}, { retry: IMMEDIATE });
      try {
        await e.startServer();
        const id = (await e.engine.client.enqueue(new Flaky('a', 2)))._unsafeUnwrap();
        await e.waitForState(id, 'Succeeded');
        assert.deepEqual(attempts.get('a'), [1, 2, 3], 'the handler sees its attempt number');
        const details = (await e.t.storage.jobDetails(id))._unsafeUnwrap()!;
        const oldestFirst = [...details.history].reverse();
        assert.deepEqual(oldestFirst.map((h) => h.name), [
          'Enqueued', 'Processing', 'Failed', 'Scheduled', 'Enqueued', 'Processing', 'Failed', 'Scheduled', 'Enqueued', 'Processing', 'Succeeded',
        ]);
        const failed = oldestFirst.filter((h) => h.name === 'Failed');
        assert.deepEqual(failed.map((h) => h.data?.message), ['failure 1', 'failure 2']);
        assert.deepEqual(failed.map((h) => h.data?.errorType), ['Flaky', 'Flaky']);
        assert.match(oldestFirst[3]!.reason ?? '', /Retry attempt 1 of 10: failure 1/);
        assert.equal(details.resultText, '"done"');
      } finally {
        await e.dispose();
      }
    });

    it('ends Failed when attempts run out, with the error recorded', async () => {
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Doomed, { handle: () => { throw new TypeError('always broken'); } })._unsafeUnwrap();
      }, {}, { retry: { defaults: { attempts: 2, delaysMs: [0] } } });
      try {
        await e.startServer();
        const id = (await e.engine.client.enqueue(new Doomed()))._unsafeUnwrap();
        await e.waitForState(id, 'Failed');
        const details = (await e.t.storage.jobDetails(id))._unsafeUnwrap()!;
        assert.equal(details.history.filter((h) => h.name === 'Processing').length, 3, 'one run and two retries');
        const last = details.history[0]!;
        assert.equal(last.name, 'Failed');
        assert.match(last.reason ?? '', /Retry attempts exhausted \(2\)/);
        assert.equal(last.data?.errorType, 'TypeError', 'the class of what the handler threw');
        assert.match(JSON.stringify(last.data?.message), /always broken/);
        assert.match(JSON.stringify(last.data?.stack), /TypeError: always broken/);
        assert.equal(details.expireAt, undefined, 'failed jobs never expire');
      } finally {
        await e.dispose();
      }
    });

    it('fails at once when the error says it must not be retried', async () => {
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Flaky, { handle: () => err({ kind: 'Flaky' as const, message: 'bad input', retryable: false }) })._unsafeUnwrap();
        registry.addHandler(Doomed, { handle: () => { throw Object.assign(new Error('invalid order'), { retryable: false }); } })._unsafeUnwrap();
      }, {}, { retry: IMMEDIATE });
      try {
        await e.startServer();
        const id = (await e.engine.client.enqueue(new Flaky('b', 99)))._unsafeUnwrap();
        await e.waitForState(id, 'Failed');
        const details = (await e.t.storage.jobDetails(id))._unsafeUnwrap()!;
        assert.equal(details.history.filter((h) => h.name === 'Processing').length, 1);
        assert.match(details.history[0]!.reason ?? '', /must not be retried/);
        // The same for an Error a handler throws with retryable = false.
        const thrown = (await e.engine.client.enqueue(new Doomed()))._unsafeUnwrap();
        await e.waitForState(thrown, 'Failed');
        assert.equal((await e.t.storage.jobDetails(thrown))._unsafeUnwrap()!.history.filter((h) => h.name === 'Processing').length, 1);
      } finally {
        await e.dispose();
      }
    });

    it('deletes instead, when the type says so, and honours per-type attempts', async () => {
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Doomed, { handle: () => Promise.reject(new Error('nope')) })._unsafeUnwrap();
      }, {}, { retry: { defaults: { delaysMs: [0] }, byType: [[Doomed, { attempts: 1, onAttemptsExceeded: 'Delete' }]] } });
      try {
        await e.startServer();
        const id = (await e.engine.client.enqueue(new Doomed()))._unsafeUnwrap();
        await e.waitForState(id, 'Deleted');
        const history = (await e.t.storage.jobDetails(id))._unsafeUnwrap()!.history;
        assert.equal(history.filter((h) => h.name === 'Processing').length, 2);
        assert.deepEqual(history.slice(0, 2).map((h) => h.name), ['Deleted', 'Failed'], 'the last failure is recorded before the deletion');
        assert.match(history[0]!.reason ?? '', /deleted as configured/);
      } finally {
        await e.dispose();
      }
    });
  });
}
