/** Recurring job definitions: create, read, list, update (keeping paused), pause and remove. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecurringDefinition } from '../../../src/storage/recurring-types.js';
import type { StorageKind } from '../../support/test-storage.js';
import { withStorage } from './support.js';

function definition(overrides: Partial<RecurringDefinition> = {}): RecurringDefinition {
  return {
    id: 'nightly-report',
    cron: '0 3 * * *',
    timeZone: 'Europe/Paris',
    queue: 'reports',
    typeName: 'BuildReport',
    payload: { format: 'pdf', recipients: ['ops@example.com'] },
    misfire: 'relaxed',
    skipIfRunning: true,
    nextExecutionAt: new Date('2030-01-01T02:00:00Z'),
    ...overrides,
  };
}

export function recurringContract(kind: StorageKind): void {
  describe(`recurring definitions (${kind})`, () => {
    it('upserts, reads, lists, pauses and removes definitions', () =>
      withStorage(kind, async ({ storage }) => {
        assert.equal((await storage.getRecurring('nightly-report'))._unsafeUnwrap(), undefined);
        assert.deepEqual((await storage.listRecurring())._unsafeUnwrap(), []);

        (await storage.upsertRecurring(definition({ displayName: 'Nightly report', methodName: 'build' })))._unsafeUnwrap();
        (await storage.upsertRecurring(definition({ id: 'a-first', cron: '*/5 * * * *', timeZone: 'UTC', misfire: 'strict', skipIfRunning: false, nextExecutionAt: undefined })))._unsafeUnwrap();
        const stored = (await storage.getRecurring('nightly-report'))._unsafeUnwrap()!;
        assert.deepEqual(
          { ...stored, createdAt: undefined, updatedAt: undefined },
          {
            ...definition({ displayName: 'Nightly report', methodName: 'build' }),
            paused: false, lastExecutionAt: undefined, lastJobId: undefined, error: undefined, createdAt: undefined, updatedAt: undefined,
          },
        );
        assert.ok(stored.createdAt instanceof Date && stored.updatedAt instanceof Date);
        assert.deepEqual((await storage.listRecurring())._unsafeUnwrap().map((r) => [r.id, r.nextExecutionAt, r.misfire]), [['a-first', undefined, 'strict'], ['nightly-report', stored.nextExecutionAt, 'relaxed']]);

        assert.equal((await storage.setRecurringPaused('nightly-report', true))._unsafeUnwrap(), true);
        assert.equal((await storage.setRecurringPaused('no-such', true))._unsafeUnwrap(), false);
        (await storage.upsertRecurring(definition({ cron: '30 4 * * 1', payload: { format: 'csv' }, nextExecutionAt: new Date('2030-01-06T04:30:00Z') })))._unsafeUnwrap();
        const updated = (await storage.getRecurring('nightly-report'))._unsafeUnwrap()!;
        assert.equal(updated.paused, true, 'an update keeps the definition paused');
        assert.equal(updated.cron, '30 4 * * 1');
        assert.deepEqual(updated.payload, { format: 'csv' });
        assert.equal(updated.displayName, undefined, 'the definition is replaced as a whole');
        assert.equal(updated.nextExecutionAt?.toISOString(), '2030-01-06T04:30:00.000Z');
        assert.equal(updated.createdAt.getTime(), stored.createdAt.getTime());
        assert.ok(updated.updatedAt >= stored.updatedAt);

        assert.equal((await storage.setRecurringPaused('nightly-report', false))._unsafeUnwrap(), true);
        assert.equal((await storage.getRecurring('nightly-report'))._unsafeUnwrap()?.paused, false);

        assert.equal((await storage.removeRecurring('nightly-report'))._unsafeUnwrap(), true);
        assert.equal((await storage.removeRecurring('nightly-report'))._unsafeUnwrap(), false);
        assert.deepEqual((await storage.listRecurring())._unsafeUnwrap().map((r) => r.id), ['a-first']);
      }));

    it('refuses invalid ids, queues and payloads', () =>
      withStorage(kind, async ({ storage }) => {
        for (const bad of [definition({ id: '' }), definition({ queue: 'not a queue' }), definition({ payload: { n: 1n } as never })]) {
          assert.equal((await storage.upsertRecurring(bad))._unsafeUnwrapErr().kind, 'InvalidInput');
        }
        assert.deepEqual((await storage.listRecurring())._unsafeUnwrap(), []);
      }));
  });
}
