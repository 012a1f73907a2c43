/**
 * A recurring job's first tick (on add and on resume) is planned on the
 * database's clock, the one the recurring scheduler decides due-ness by,
 * not this process's. PostgreSQL only: PGlite runs in this process and reads
 * its clock, so it cannot be skewed from it.
 */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import type { ResultAsync } from 'neverthrow';
import { RecurringJobManager } from '../../src/client/recurring-job-manager.js';
import { Ping, withRecurring, type RecurringHarness } from './support.js';

/** How far ahead of the database's clock this process's clock runs in the test. */
const LOCAL_CLOCK_AHEAD_MS = 60 * 60 * 1000;

/** Every minute: a first tick planned on the database's clock is at most a minute after its now. */
const EVERY_MINUTE = '* * * * *';

async function databaseNow(h: RecurringHarness): Promise<Date> {
  const [row] = await h.t.sql<{ now: Date }>('SELECT clock_timestamp() AS now');
  return row!.now;
}

/** Runs `call` with this process's clock an hour ahead of the database's. */
async function withLocalClockAhead<T>(call: () => ResultAsync<T, unknown>): Promise<T> {
  mock.timers.enable({ apis: ['Date'], now: Date.now() + LOCAL_CLOCK_AHEAD_MS });
  try {
    return (await call())._unsafeUnwrap();
  } finally {
    mock.timers.reset();
  }
}

/** Asserts the stored next tick is the first minute after the database's now (between `before` and `after`), not an hour later. */
async function assertPlannedOnDatabaseClock(h: RecurringHarness, id: string, before: Date, what: string): Promise<void> {
  const after = await databaseNow(h);
  const next = (await h.t.storage.getRecurring(id))._unsafeUnwrap()?.nextExecutionAt;
  assert.ok(next !== undefined, `${what}: a next tick is planned`);
  assert.ok(next.getTime() > before.getTime(), `${what}: the next tick ${next.toISOString()} is after the database's now (${before.toISOString()})`);
  // The local clock would put it an hour later, an hour the scheduler would wait past ticks it should fire.
  assert.ok(next.getTime() <= after.getTime() + 60_000, `${what}: the next tick ${next.toISOString()} is within a minute of the database's now (${after.toISOString()}), not of the local clock an hour ahead`);
}

describe('recurring job manager clock (PostgreSql)', () => {
  it('plans the first tick on add and on resume by the database clock, with the local clock an hour ahead', () =>
    withRecurring('PostgreSql', async (h) => {
      const manager = new RecurringJobManager(h.t.storage, h.deployment.client, h.deployment.catalog);

      const beforeAdd = await databaseNow(h);
      await withLocalClockAhead(() => manager.addOrUpdate('minutely', new Ping('tick'), EVERY_MINUTE));
      await assertPlannedOnDatabaseClock(h, 'minutely', beforeAdd, 'addOrUpdate');

      (await manager.pause('minutely'))._unsafeUnwrap();
      const beforeResume = await databaseNow(h);
      await withLocalClockAhead(() => manager.resume('minutely'));
      await assertPlannedOnDatabaseClock(h, 'minutely', beforeResume, 'resume');
    }));
});
