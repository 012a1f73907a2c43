/**
 * What a finished job means to its awaiter (enqueueAwait's end), against real
 * storage: the state and the stored result are read in one statement, so a
 * job that expires meanwhile is never a Succeeded job without its result.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompletionWatcher } from '../../src/dispatch/completion-watcher.js';
import { readJobOutcome } from '../../src/dispatch/job-outcome.js';
import type { JobStorage } from '../../src/storage/job-storage.js';
import { createEach, fetchOk, succeed, withStorage } from '../storage/contract/support.js';
import { STORAGE_KINDS } from '../support/test-storage.js';

/** The storage, counting the calls of the methods that read a job's state or result. */
function countingReads(storage: JobStorage): { storage: JobStorage; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const counted = new Set(['getOutcomes', 'getStates', 'getState', 'getResult', 'jobDetails']);
  const wrapped = new Proxy(storage, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof property !== 'string' || !counted.has(property) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(property, (calls.get(property) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { storage: wrapped, calls };
}

for (const kind of STORAGE_KINDS) {
  describe(`an awaited job's outcome (${kind})`, () => {
    it('a Succeeded job: its decoded result, or undefined when the handler returned nothing, read with its state', () =>
      withStorage(kind, async ({ storage }) => {
        const [withResult, withoutResult] = await createEach(storage, 2);
        const [a, b] = await fetchOk(storage);
        assert.ok(await succeed(storage, a!, '{"answer":42}'));
        assert.ok(await succeed(storage, b!));
        const reads = countingReads(storage);
        const watcher = new CompletionWatcher(reads.storage, { pollIntervalMs: 60_000 });
        try {
          const outcomes = await Promise.all([withResult!, withoutResult!].map(async (id) => {
            const finished = (await watcher.waitForOutcome(id, { timeoutMs: 10_000 }))._unsafeUnwrap();
            return (await readJobOutcome(reads.storage, id, finished))._unsafeUnwrap();
          }));
          assert.deepEqual(outcomes, [{ answer: 42 }, undefined]);
          assert.deepEqual(Object.fromEntries(reads.calls), { getOutcomes: 1 }, 'one statement for both waits, the results with the states');
          // A plain wait asks for the state alone: its job's result is not read.
          assert.equal((await watcher.waitFor(withResult!, { timeoutMs: 10_000 }))._unsafeUnwrap(), 'Succeeded');
          const states = (await storage.getStates([withResult!, '999999999', withoutResult!]))._unsafeUnwrap();
          assert.deepEqual(Object.fromEntries(states), { [withResult!]: 'Succeeded', [withoutResult!]: 'Succeeded' }, 'getStates: the jobs that exist');
        } finally {
          (await watcher.close())._unsafeUnwrap();
        }
      }));

    it('a job that expired before its outcome was read is JobNotFound, not an undefined response', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const [id] = await createEach(storage, 1);
        const [job] = await fetchOk(storage);
        assert.ok(await succeed(storage, job!));
        await t.sql(`UPDATE ${storage.schema.quoted}.jobs SET expire_at = now() - interval '1 second' WHERE id = $1`, [id]);
        assert.equal((await storage.expireJobs(10))._unsafeUnwrap(), 1, 'the job expired');
        const watcher = new CompletionWatcher(storage, { pollIntervalMs: 60_000 });
        try {
          const outcome = await watcher.waitForOutcome(id!, { timeoutMs: 10_000 });
          assert.deepEqual(outcome._unsafeUnwrapErr(), { kind: 'JobNotFound', jobId: id, message: `Job ${id} does not exist (never created, or expired).` });
        } finally {
          (await watcher.close())._unsafeUnwrap();
        }
      }));
  });
}
