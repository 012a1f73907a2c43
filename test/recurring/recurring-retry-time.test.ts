/** The recurring scheduler on both storages: a stored next execution off the cron's grid (a retry time, a hand edit) is not a tick. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextOccurrence } from '../../src/recurring/cron-schedule.js';
import { NEXT_TICK_RETRY_MS } from '../../src/server/recurring-scheduler.js';
import { STORAGE_KINDS } from '../support/test-storage.js';
import { Ping, at, withRecurring, type RecurringHarness } from './support.js';

const signal = new AbortController().signal;

/** A next-tick computation that fails while `failing.now` is true, as the cron library might on a valid schedule. */
function flakyNextOccurrence(failing: { now: boolean }) {
  return (cron: string, timeZone: string, after: Date) => (failing.now ? undefined : nextOccurrence(cron, timeZone, after));
}

async function stored(h: RecurringHarness, id: string) {
  return (await h.t.storage.getRecurring(id))._unsafeUnwrap()!;
}

async function setNextExecution(h: RecurringHarness, id: string, nextExecutionAt: Date): Promise<void> {
  await h.t.sql(`UPDATE ${h.t.storage.schema.quoted}.recurring_jobs SET next_execution_at = $2 WHERE id = $1`, [id, nextExecutionAt]);
}

for (const kind of STORAGE_KINDS) {
  describe(`recurring retry times (${kind})`, () => {
    it('a retry time is told from a tick by the time itself, not by the message recorded with it', () =>
      withRecurring(kind, async (h) => {
        (await h.manager.addOrUpdate('hourly', new Ping('hourly'), '0 * * * *'))._unsafeUnwrap();
        const failing = { now: true };
        const scheduler = h.scheduler({ nextOccurrence: flakyNextOccurrence(failing) });
        h.clock = new Date(at(3600).getTime() + 100);
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        const retryAt = (await stored(h, 'hourly')).nextExecutionAt!;
        assert.deepEqual(retryAt, new Date(h.clock.getTime() + NEXT_TICK_RETRY_MS));

        // The message is for people: cleared (or worded otherwise), the retry time is still no tick.
        await h.t.sql(`UPDATE ${h.t.storage.schema.quoted}.recurring_jobs SET error = NULL WHERE id = 'hourly'`);
        h.clock = retryAt;
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        assert.deepEqual((await h.runs('hourly')).map((r) => r.tick), [at(3600).toISOString()], 'no run at the retry time');
        assert.deepEqual((await stored(h, 'hourly')).nextExecutionAt, new Date(retryAt.getTime() + NEXT_TICK_RETRY_MS), 'retried again');
        assert.equal(h.logger.at('error').length, 2, 'and said again');
      }));

    it('a retry falling on a whole second is moved off the grid, so a strict catch-up still fires the ticks it missed', () =>
      withRecurring(kind, async (h) => {
        (await h.manager.addOrUpdate('minutely', new Ping('minutely'), '* * * * *', { misfire: 'strict' }))._unsafeUnwrap();
        const failing = { now: true };
        const scheduler = h.scheduler({ nextOccurrence: flakyNextOccurrence(failing) });
        h.clock = at(60);
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        const retryAt = (await stored(h, 'minutely')).nextExecutionAt!;
        assert.deepEqual(retryAt, new Date(at(3660).getTime() + 1), 'an hour on, plus 1 ms: at(3660) itself is a tick');

        failing.now = false;
        h.clock = retryAt;
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        const ticks = (await h.runs('minutely')).map((r) => r.tick);
        assert.deepEqual(ticks, Array.from({ length: 61 }, (_, i) => at(60 * (i + 1)).toISOString()), 'every minute of the failed hour, once');
        assert.deepEqual((await stored(h, 'minutely')).nextExecutionAt, at(3720));
      }));

    it('addOrUpdate while a retry time is stored plans the next tick instead of keeping the retry time', () =>
      withRecurring(kind, async (h) => {
        (await h.manager.addOrUpdate('hourly', new Ping('hourly'), '0 * * * *'))._unsafeUnwrap();
        const scheduler = h.scheduler({ nextOccurrence: flakyNextOccurrence({ now: true }) });
        h.clock = new Date(at(3600).getTime() + 100);
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        assert.deepEqual((await stored(h, 'hourly')).nextExecutionAt, new Date(h.clock.getTime() + NEXT_TICK_RETRY_MS));

        h.clock = at(3600 + 600);
        (await h.manager.addOrUpdate('hourly', new Ping('updated'), '0 * * * *'))._unsafeUnwrap();
        const updated = await stored(h, 'hourly');
        assert.deepEqual([updated.nextExecutionAt, updated.error], [at(7200), undefined], 'the cron\'s next tick, the error cleared');
      }));

    it('a next execution edited by hand fires when on the grid; off it, it only wakes the definition, which fires no tick again', () =>
      withRecurring(kind, async (h) => {
        (await h.manager.addOrUpdate('hourly', new Ping('hourly'), '0 * * * *'))._unsafeUnwrap();
        const scheduler = h.scheduler();
        h.clock = new Date(at(3600).getTime() + 100);
        (await scheduler.runOnce(signal))._unsafeUnwrap();

        // On the grid, two hours on: a tick like any other.
        await setNextExecution(h, 'hourly', at(3 * 3600));
        h.clock = new Date(at(3 * 3600).getTime() + 100);
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        assert.deepEqual((await h.runs('hourly')).map((r) => r.tick), [at(3600), at(3 * 3600)].map((d) => d.toISOString()));

        // Off the grid, half an hour after the last run: no run then, and the 03:00 tick is not run again.
        await setNextExecution(h, 'hourly', at(3 * 3600 + 1800));
        h.clock = at(3 * 3600 + 1800);
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        assert.equal((await h.runs('hourly')).length, 2);
        const woken = await stored(h, 'hourly');
        assert.deepEqual([woken.nextExecutionAt, woken.error], [at(4 * 3600), undefined], 'back on the grid, without an error');

        h.clock = new Date(at(4 * 3600).getTime() + 100);
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        assert.deepEqual((await h.runs('hourly')).map((r) => r.tick).at(-1), at(4 * 3600).toISOString());
        assert.deepEqual(h.logger.at('error'), []);
      }));
  });
}
