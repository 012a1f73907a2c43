/** The recurring scheduler on both storages: every tick once across racing servers, misfires, broken definitions, sleep lengths. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextOccurrence } from '../../src/recurring/cron-schedule.js';
import { NEXT_TICK_RETRY_MS, NO_NEXT_TICK_ERROR, type RecurringScheduler } from '../../src/server/recurring-scheduler.js';
import { STORAGE_KINDS, eventually } from '../support/test-storage.js';
import { Ping, Retired, ReportService, at, duplicates, withRecurring } from './support.js';

const signal = new AbortController().signal;

/** Runs one pass on each scheduler at the same time; resolves with their delays. */
async function passTogether(schedulers: readonly RecurringScheduler[]): Promise<number[]> {
  return Promise.all(schedulers.map(async (s) => (await s.runOnce(signal))._unsafeUnwrap()));
}

for (const kind of STORAGE_KINDS) {
  describe(`recurring scheduler (${kind})`, () => {
    it('three schedulers racing on the database clock fire each tick of an every-second cron exactly once', () =>
      withRecurring(kind, async (h) => {
        (await h.manager.addOrUpdate('every-second', new Ping('race'), '* * * * * *', { misfire: 'strict' }))._unsafeUnwrap();
        // The database's clock, as in production: no injected now, and the first tick from the real time.
        await h.t.sql(`UPDATE ${h.t.storage.schema.quoted}.recurring_jobs SET next_execution_at = date_trunc('second', now()) + interval '1 second'`);
        const schedulers = [1, 2, 3].map(() => h.scheduler({ now: undefined }));
        let stop = false;
        const loops = schedulers.map(async (s) => {
          while (!stop) {
            const delay = (await s.runOnce(signal))._unsafeUnwrap();
            await new Promise((resolve) => setTimeout(resolve, Math.min(delay, 20)));
          }
        });
        try {
          await eventually(async () => ((await h.runs('every-second')).length >= 3 ? true : undefined), 'three ticks', 15_000);
        } finally {
          stop = true;
          await Promise.all(loops);
        }
        const ticks = (await h.runs('every-second')).map((run) => run.tick!);
        assert.deepEqual(duplicates(ticks), [], 'no tick fired twice');
        const seconds = ticks.map((tick) => Date.parse(tick) / 1000);
        assert.deepEqual(seconds, seconds.map((_, i) => seconds[0]! + i), 'one run per tick, none missing: consecutive seconds');
        const stored = (await h.t.storage.getRecurring('every-second'))._unsafeUnwrap()!;
        assert.ok(stored.nextExecutionAt! > new Date(Date.parse(ticks.at(-1)!)), 'the next tick is after the last fired');
        assert.deepEqual(h.logger.at('error'), []);
      }));

    it('three schedulers racing pass by pass on a moved clock: one job per tick, relaxed catch-up as one run', () =>
      withRecurring(kind, async (h) => {
        (await h.manager.addOrUpdate('relaxed', new Ping('relaxed'), '* * * * * *'))._unsafeUnwrap();
        (await h.manager.addOrUpdate('strict', new Ping('strict'), '* * * * * *', { misfire: 'strict' }))._unsafeUnwrap();
        const schedulers = [1, 2, 3].map(() => h.scheduler());
        for (const second of [1, 2, 3]) {
          h.clock = new Date(at(second).getTime() + 100);
          await passTogether(schedulers);
          await passTogether(schedulers);
        }
        const expected = [at(1), at(2), at(3)].map((d) => d.toISOString());
        assert.deepEqual((await h.runs('relaxed')).map((r) => r.tick), expected);
        assert.deepEqual((await h.runs('strict')).map((r) => r.tick), expected);

        // Ten seconds without a pass: relaxed fires once for the latest tick, strict once per tick.
        h.clock = new Date(at(13).getTime() + 500);
        await passTogether(schedulers);
        assert.deepEqual((await h.runs('relaxed')).slice(3).map((r) => r.tick), [at(13).toISOString()]);
        assert.deepEqual((await h.runs('strict')).slice(3).map((r) => r.tick), [4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((s) => at(s).toISOString()));
        for (const id of ['relaxed', 'strict']) {
          const stored = (await h.t.storage.getRecurring(id))._unsafeUnwrap()!;
          const runs = await h.runs(id);
          assert.equal(stored.lastJobId, runs.at(-1)!.id, 'the last run is recorded');
          assert.deepEqual([stored.nextExecutionAt, stored.lastExecutionAt, stored.error], [at(14), h.clock, undefined]);
          assert.ok(runs.every((run) => run.recurringJobId === id && run.state === 'Enqueued' && run.typeName === 'Ping'));
        }
      }));

    it('ignorable skips a tick more than a minute late and fires the next on time', () =>
      withRecurring(kind, async (h) => {
        (await h.manager.addOrUpdate('hourly', new Ping('hourly'), '0 * * * *', { misfire: 'ignorable' }))._unsafeUnwrap();
        const scheduler = h.scheduler();
        h.clock = at(3600 + 61);
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        assert.deepEqual(await h.runs('hourly'), [], 'the 01:00 tick ran 61 s late: skipped');
        assert.deepEqual((await h.t.storage.getRecurring('hourly'))._unsafeUnwrap()!.nextExecutionAt, at(7200));
        h.clock = at(7200 + 30);
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        assert.deepEqual((await h.runs('hourly')).map((r) => r.tick), [at(7200).toISOString()]);
      }));

    it('runs recurring method calls with their arguments', () =>
      withRecurring(kind, async (h) => {
        const since = new Date('2029-12-31T00:00:00Z');
        (await h.manager.addOrUpdate('report', { service: ReportService, method: 'build', args: [7, since] }, '*/30 * * * * *', { queue: 'reports' }))._unsafeUnwrap();
        h.clock = at(30);
        (await h.scheduler().runOnce(signal))._unsafeUnwrap();
        const [run] = await h.runs('report');
        const details = (await h.t.storage.jobDetails(run!.id))._unsafeUnwrap()!;
        assert.deepEqual([details.typeName, details.methodName, details.queue, details.displayName], ['ReportService', 'build', 'reports', 'ReportService.build']);
        assert.deepEqual(JSON.parse(details.payloadText), [7, { $mj: 'date', v: since.toISOString() }]);
      }));

    it('a definition whose job no longer restores, or whose schedule was damaged, is recorded and moved on without blocking the others', () =>
      withRecurring(kind, async (h) => {
        (await h.manager.addOrUpdate('retired', new Retired('old'), '* * * * * *'))._unsafeUnwrap();
        (await h.manager.addOrUpdate('damaged', new Ping('damaged'), '* * * * * *'))._unsafeUnwrap();
        (await h.manager.addOrUpdate('healthy', new Ping('healthy'), '* * * * * *'))._unsafeUnwrap();
        await h.t.sql(`UPDATE ${h.t.storage.schema.quoted}.recurring_jobs SET cron = 'every tuesday' WHERE id = 'damaged'`);
        // The new deployment no longer knows Retired.
        const current = h.deploy((requests) => requests.addHandler(Ping, { handle: () => undefined })._unsafeUnwrap());
        const scheduler = h.scheduler({ deployment: current });
        h.clock = new Date(at(1).getTime() + 200);
        const delay = (await scheduler.runOnce(signal))._unsafeUnwrap();
        assert.equal((await h.runs('healthy')).length, 1, 'the healthy definition fired in the same pass');
        assert.deepEqual(await h.runs('retired'), []);
        const retired = (await h.t.storage.getRecurring('retired'))._unsafeUnwrap()!;
        assert.match(retired.error ?? '', /Cannot restore the job: Request type .*Retired is not registered/);
        assert.deepEqual(retired.nextExecutionAt, at(2), 'its schedule moved on, so it does not spin');
        const damaged = (await h.t.storage.getRecurring('damaged'))._unsafeUnwrap()!;
        assert.match(damaged.error ?? '', /Cron expression "every tuesday" is refused/);
        assert.equal(damaged.nextExecutionAt, undefined, 'stopped until it is defined again');
        assert.ok(delay > 0, 'nothing is left due');
        assert.equal(h.logger.at('error').length, 2);

        h.clock = new Date(at(2).getTime() + 200);
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        assert.equal((await h.runs('healthy')).length, 2);
        assert.deepEqual(await h.runs('retired'), []);
        (await h.manager.addOrUpdate('damaged', new Ping('damaged'), '* * * * * *'))._unsafeUnwrap();
        const redefined = (await h.t.storage.getRecurring('damaged'))._unsafeUnwrap()!;
        assert.deepEqual([redefined.error, redefined.nextExecutionAt], [undefined, at(3)], 'defining it again clears the error and reschedules it');
      }));

    it('a next tick that cannot be computed is an error, and retried later: the definition never stops silently', () =>
      withRecurring(kind, async (h) => {
        (await h.manager.addOrUpdate('hourly', new Ping('hourly'), '0 * * * *'))._unsafeUnwrap();
        let failing = true;
        const flaky = (cron: string, timeZone: string, after: Date) => (failing ? undefined : nextOccurrence(cron, timeZone, after));
        const scheduler = h.scheduler({ nextOccurrence: flaky });
        const stored = async () => (await h.t.storage.getRecurring('hourly'))._unsafeUnwrap()!;

        h.clock = new Date(at(3600).getTime() + 100);
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        assert.deepEqual((await h.runs('hourly')).map((r) => r.tick), [at(3600).toISOString()], 'the due tick still fires');
        let definition = await stored();
        assert.deepEqual(definition.nextExecutionAt, new Date(h.clock.getTime() + NEXT_TICK_RETRY_MS), 'retried later, not left without a next execution');
        assert.ok(definition.error?.startsWith(NO_NEXT_TICK_ERROR), definition.error);
        assert.equal(h.logger.at('error').length, 1, 'said as an error');

        // Still failing at the retry: no run (the retry is not a tick), retried again, said again.
        h.clock = definition.nextExecutionAt!;
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        definition = await stored();
        assert.equal((await h.runs('hourly')).length, 1);
        assert.deepEqual(definition.nextExecutionAt, new Date(h.clock.getTime() + NEXT_TICK_RETRY_MS));
        assert.equal(h.logger.at('error').length, 2);

        // Computable again: the first tick after the failure fires, and the schedule is back on the grid.
        failing = false;
        h.clock = definition.nextExecutionAt!;
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        definition = await stored();
        assert.deepEqual((await h.runs('hourly')).map((r) => r.tick), [at(3600), at(3 * 3600)].map((d) => d.toISOString()));
        assert.deepEqual([definition.nextExecutionAt, definition.error], [at(4 * 3600), undefined]);
      }));

    it('a run refused by a client filter is recorded and the schedule moves on', () =>
      withRecurring(kind, async (h) => {
        h.deployment.filters.add({ onCreating: (context) => context.cancel('maintenance window') }, { for: Ping })._unsafeUnwrap();
        (await h.manager.addOrUpdate('filtered', new Ping('x'), '* * * * * *'))._unsafeUnwrap();
        h.clock = new Date(at(1).getTime() + 200);
        (await h.scheduler().runOnce(signal))._unsafeUnwrap();
        const stored = (await h.t.storage.getRecurring('filtered'))._unsafeUnwrap()!;
        assert.deepEqual(await h.runs('filtered'), []);
        assert.match(stored.error ?? '', /maintenance window/);
        assert.deepEqual(stored.nextExecutionAt, at(2));
      }));

    it('sleeps until the soonest tick, capped by the poll interval, and comes straight back when behind', () =>
      withRecurring(kind, async (h) => {
        assert.equal((await h.scheduler({ pollIntervalMs: 700 }).runOnce(signal))._unsafeUnwrap(), 700, 'nothing defined: the poll interval');
        (await h.manager.addOrUpdate('minutely', new Ping('m'), '* * * * *'))._unsafeUnwrap();
        h.clock = new Date(at(60).getTime() - 300);
        assert.equal((await h.scheduler({ pollIntervalMs: 700 }).runOnce(signal))._unsafeUnwrap(), 300, 'the tick is due in 300 ms');
        assert.equal((await h.scheduler({ pollIntervalMs: 200 }).runOnce(signal))._unsafeUnwrap(), 200, 'capped by the poll interval');
        h.clock = at(10);
        assert.equal((await h.scheduler().runOnce(signal))._unsafeUnwrap(), 1000, 'the tick 50 s away: the default poll interval, 1 s');

        (await h.manager.addOrUpdate('second', new Ping('s'), '* * * * *'))._unsafeUnwrap();
        h.clock = at(61);
        assert.equal((await h.scheduler({ batchSize: 1 }).runOnce(signal))._unsafeUnwrap(), 0, 'a full batch: more may be due');
        assert.equal((await h.scheduler({ batchSize: 1 }).runOnce(signal))._unsafeUnwrap(), 0, 'full again (the second definition)');
        assert.equal((await h.scheduler({ batchSize: 1 }).runOnce(signal))._unsafeUnwrap(), 1000, 'then nothing is due: the next minute is 59 s away');
        assert.deepEqual([(await h.runs('minutely')).length, (await h.runs('second')).length], [1, 1]);

        (await h.manager.addOrUpdate('catch-up', new Ping('c'), '* * * * * *', { misfire: 'strict' }))._unsafeUnwrap();
        h.clock = at(61 + 1500);
        assert.equal((await h.scheduler().runOnce(signal))._unsafeUnwrap(), 0, 'a capped strict catch-up is still due');
        assert.equal((await h.runs('catch-up')).length, 1000);
        assert.ok((await h.scheduler().runOnce(signal))._unsafeUnwrap() > 0, 'the rest fired in the next pass');
        const ticks = (await h.runs('catch-up')).map((r) => r.tick);
        assert.equal(ticks.length, 1500);
        assert.deepEqual(duplicates(ticks), []);
      }));
  });
}
