/** Defining recurring jobs on both storages: refusals at definition time, updates, pause and resume, trigger, skipIfRunning. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Request } from '../../src/mediator/index.js';
import { STORAGE_KINDS } from '../support/test-storage.js';
import { Ping, ReportService, at, withRecurring } from './support.js';

const signal = new AbortController().signal;

class NeverRegistered extends Request<void> {}

class NotAService {
  run(): void {
    // Never registered as a job service.
  }
}

for (const kind of STORAGE_KINDS) {
  describe(`recurring job manager (${kind})`, () => {
    it('refuses, before storing anything, a definition that could never run', () =>
      withRecurring(kind, async (h) => {
        const m = h.manager;
        const refusals: [string, Awaited<ReturnType<typeof m.addOrUpdate>>][] = [
          ['UnknownRequestType', await m.addOrUpdate('a', new NeverRegistered(), '* * * * *')],
          ['UnknownService', await m.addOrUpdate('b', { service: NotAService, method: 'run', args: [] }, '* * * * *')],
          ['UnknownService', await m.addOrUpdate('c', { service: ReportService, method: 'missing', args: [] }, '* * * * *')],
          ['Unserializable', await m.addOrUpdate('d', Object.assign(new Ping('x'), { callback: () => undefined }), '* * * * *')],
          ['InvalidCron', await m.addOrUpdate('e', new Ping('x'), '')],
          ['InvalidCron', await m.addOrUpdate('f', new Ping('x'), '* * * *')],
          ['InvalidCron', await m.addOrUpdate('g', new Ping('x'), 'x'.repeat(201))],
          ['InvalidTimeZone', await m.addOrUpdate('h', new Ping('x'), '0 9 * * *', { timeZone: 'Europe/Atlantis' })],
          ['InvalidOptions', await m.addOrUpdate('i', new Ping('x'), '* * * * *', { misfire: 'sometimes' as never })],
          ['InvalidOptions', await m.addOrUpdate('j', new Ping('x'), '* * * * *', { queue: 'not a queue!' })],
          ['InvalidOptions', await m.addOrUpdate('', new Ping('x'), '* * * * *')],
        ];
        assert.deepEqual(refusals.map(([, outcome]) => outcome._unsafeUnwrapErr().kind), refusals.map(([kind]) => kind));
        assert.deepEqual((await h.t.storage.listRecurring())._unsafeUnwrap(), []);
      }));

    it('defines and resumes at an instant cron-parser cannot compute from (Australia/Lord_Howe), keeping a next tick', () =>
      withRecurring(kind, async (h) => {
        // Lord Howe goes from +11:00 to +10:30 at 2026-04-04T15:00Z; from 14:00Z cron-parser throws for an hourly cron.
        h.clock = new Date('2026-04-04T14:00:00Z');
        const options = { timeZone: 'Australia/Lord_Howe' };
        (await h.manager.addOrUpdate('lord-howe', new Ping('x'), '0 * * * *', options))._unsafeUnwrap();
        const nextOf = async () => (await h.t.storage.getRecurring('lord-howe'))._unsafeUnwrap()!.nextExecutionAt;
        assert.deepEqual(await nextOf(), new Date('2026-04-04T15:30:00Z'), 'not refused as "never fires again"');
        (await h.manager.pause('lord-howe'))._unsafeUnwrap();
        h.clock = new Date('2026-04-04T14:10:00Z');
        (await h.manager.resume('lord-howe'))._unsafeUnwrap();
        assert.deepEqual(await nextOf(), new Date('2026-04-04T15:30:00Z'), 'resumed with a next tick, not none (never due again)');
      }));

    it('refuses a uniqueKey (a JavaScript caller\'s: the options have none), saying where it is taken, and stores nothing', () =>
      withRecurring(kind, async (h) => {
        const keyed = { uniqueKey: 'nightly' } as never;
        const refused = await h.manager.addOrUpdate('keyed', new Ping('x'), '* * * * *', keyed);
        assert.equal(refused.isErr() && refused.error.kind, 'InvalidOptions', 'refused as a bad option, not ignored');
        assert.match(refused.isErr() ? refused.error.message : '', /^A recurring job \(addOrUpdate\) does not take uniqueKey: .*skipIfRunning.*uniqueKey is an option of a single job: enqueue, schedule and continueWith/, 'names the option and where it is taken');
        assert.deepEqual((await h.t.storage.listRecurring())._unsafeUnwrap(), [], 'no definition was stored');
        const unkeyed = { uniqueKey: null } as never;
        (await h.manager.addOrUpdate('unkeyed', new Ping('x'), '* * * * *', unkeyed))._unsafeUnwrap();
        assert.equal((await h.t.storage.listRecurring())._unsafeUnwrap().length, 1, 'a null key is no key, as for enqueue');
      }));

    it('stores the definition with its first tick in its time zone; an update keeps a planned tick unless the schedule changes', () =>
      withRecurring(kind, async (h) => {
        (await h.manager.addOrUpdate('paris', new Ping('p'), '0 9 * * *', { timeZone: 'Europe/Paris', queue: 'mornings', misfire: 'strict', skipIfRunning: true }))._unsafeUnwrap();
        (await h.manager.addOrUpdate('new-york', new Ping('n'), '0 9 * * *', { timeZone: 'America/New_York' }))._unsafeUnwrap();
        const paris = (await h.t.storage.getRecurring('paris'))._unsafeUnwrap()!;
        assert.deepEqual(
          [paris.cron, paris.timeZone, paris.queue, paris.misfire, paris.skipIfRunning, paris.typeName, paris.displayName, paris.nextExecutionAt],
          ['0 9 * * *', 'Europe/Paris', 'mornings', 'strict', true, 'Ping', 'Ping', new Date('2030-01-01T08:00:00Z')],
        );
        const newYork = (await h.t.storage.getRecurring('new-york'))._unsafeUnwrap()!;
        assert.deepEqual([newYork.queue, newYork.misfire, newYork.skipIfRunning, newYork.nextExecutionAt], ['default', 'relaxed', false, new Date('2030-01-01T14:00:00Z')]);

        h.clock = new Date('2030-01-01T08:30:00Z');
        (await h.manager.addOrUpdate('paris', new Ping('p2'), '0 9 * * *', { timeZone: 'Europe/Paris' }))._unsafeUnwrap();
        const kept = (await h.t.storage.getRecurring('paris'))._unsafeUnwrap()!;
        assert.deepEqual([kept.nextExecutionAt, kept.payload, kept.misfire], [new Date('2030-01-01T08:00:00Z'), { label: 'p2' }, 'relaxed'], 'the due 09:00 Paris tick is not lost');
        (await h.manager.addOrUpdate('paris', new Ping('p3'), '30 9 * * *', { timeZone: 'Europe/Paris' }))._unsafeUnwrap();
        assert.deepEqual((await h.t.storage.getRecurring('paris'))._unsafeUnwrap()!.nextExecutionAt, new Date('2030-01-02T08:30:00Z'), 'a new schedule starts strictly after now (09:30 Paris is now)');

        assert.equal((await h.manager.removeIfExists('paris'))._unsafeUnwrap(), true);
        assert.equal((await h.manager.removeIfExists('paris'))._unsafeUnwrap(), false);
      }));

    it('pause stops creating runs; resume continues from now without replaying the paused ticks, even when strict', () =>
      withRecurring(kind, async (h) => {
        (await h.manager.addOrUpdate('p', new Ping('p'), '* * * * * *', { misfire: 'strict' }))._unsafeUnwrap();
        const scheduler = h.scheduler();
        h.clock = new Date(at(1).getTime() + 100);
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        assert.equal((await h.runs('p')).length, 1);

        (await h.manager.pause('p'))._unsafeUnwrap();
        for (const second of [2, 3, 4, 5]) {
          h.clock = new Date(at(second).getTime() + 100);
          (await scheduler.runOnce(signal))._unsafeUnwrap();
        }
        assert.equal((await h.runs('p')).length, 1, 'nothing while paused');
        assert.equal((await h.t.storage.getRecurring('p'))._unsafeUnwrap()!.paused, true);

        (await h.manager.resume('p'))._unsafeUnwrap();
        const resumed = (await h.t.storage.getRecurring('p'))._unsafeUnwrap()!;
        assert.deepEqual([resumed.paused, resumed.nextExecutionAt], [false, at(6)]);
        h.clock = new Date(at(6).getTime() + 100);
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        assert.deepEqual((await h.runs('p')).map((r) => r.tick), [at(1), at(6)].map((d) => d.toISOString()), 'the ticks of the pause are not replayed');

        (await h.manager.resume('p'))._unsafeUnwrap();
        assert.deepEqual((await h.t.storage.getRecurring('p'))._unsafeUnwrap()!.nextExecutionAt, at(7), 'resuming a running definition changes nothing');
        assert.equal((await h.manager.pause('missing'))._unsafeUnwrapErr().kind, 'RecurringJobNotFound');
        assert.equal((await h.manager.resume('missing'))._unsafeUnwrapErr().kind, 'RecurringJobNotFound');
      }));

    it('trigger runs the job now, records it as the last run, and leaves the schedule alone', () =>
      withRecurring(kind, async (h) => {
        (await h.manager.addOrUpdate('hourly', new Ping('h'), '0 * * * *', { queue: 'hourly' }))._unsafeUnwrap();
        (await h.manager.pause('hourly'))._unsafeUnwrap();
        const jobId = (await h.manager.trigger('hourly'))._unsafeUnwrap();
        const runs = await h.runs('hourly');
        assert.deepEqual(runs.map((r) => [r.id, r.state, r.recurringJobId, r.tick]), [[jobId, 'Enqueued', 'hourly', undefined]], 'a paused definition can be triggered');
        assert.equal((await h.t.storage.jobDetails(jobId))._unsafeUnwrap()!.queue, 'hourly');
        const stored = (await h.t.storage.getRecurring('hourly'))._unsafeUnwrap()!;
        assert.deepEqual([stored.lastJobId, stored.nextExecutionAt, stored.paused], [jobId, at(3600), true]);
        assert.ok(stored.lastExecutionAt instanceof Date);
        assert.equal((await h.manager.trigger('missing'))._unsafeUnwrapErr().kind, 'RecurringJobNotFound');
      }));

    it('skipIfRunning skips ticks while the last run is not finished', () =>
      withRecurring(kind, async (h) => {
        (await h.manager.addOrUpdate('exclusive', new Ping('e'), '* * * * * *', { skipIfRunning: true }))._unsafeUnwrap();
        const scheduler = h.scheduler();
        h.clock = new Date(at(1).getTime() + 100);
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        const [first] = await h.runs('exclusive');
        assert.equal(first?.state, 'Enqueued');

        h.clock = new Date(at(2).getTime() + 100);
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        assert.equal((await h.runs('exclusive')).length, 1, 'the 2nd tick is skipped: the first run is still Enqueued');
        let stored = (await h.t.storage.getRecurring('exclusive'))._unsafeUnwrap()!;
        assert.match(stored.error ?? '', /Skipped the tick of 2030-01-01T00:00:02.000Z: the last run \(job \d+\) is still Enqueued/);
        assert.deepEqual([stored.nextExecutionAt, stored.lastJobId], [at(3), first.id], 'the schedule moves on');

        assert.equal((await h.deployment.client.delete(first.id))._unsafeUnwrap(), true);
        h.clock = new Date(at(3).getTime() + 100);
        (await scheduler.runOnce(signal))._unsafeUnwrap();
        const runs = await h.runs('exclusive');
        assert.deepEqual(runs.map((r) => r.tick), [at(1), at(3)].map((d) => d.toISOString()), 'runs again once the last run is final');
        stored = (await h.t.storage.getRecurring('exclusive'))._unsafeUnwrap()!;
        assert.deepEqual([stored.error, stored.lastJobId], [undefined, runs[1]!.id]);
      }));

    it('skipIfRunning warns once per run that holds up the ticks, naming it and its state; further skips are info', () =>
      withRecurring(kind, async (h) => {
        (await h.manager.addOrUpdate('exclusive', new Ping('e'), '* * * * * *', { skipIfRunning: true }))._unsafeUnwrap();
        const scheduler = h.scheduler();
        const passAt = async (second: number) => {
          h.clock = new Date(at(second).getTime() + 100);
          (await scheduler.runOnce(signal))._unsafeUnwrap();
        };
        const warnings = () => h.logger.entries.filter((e) => e.level === 'warn');
        await passAt(1);
        const [first] = await h.runs('exclusive');
        for (const second of [2, 3, 4]) await passAt(second);
        assert.equal((await h.runs('exclusive')).length, 1, 'three ticks skipped');
        assert.equal(warnings().length, 1, 'one warning, not one per skipped tick');
        assert.match(warnings()[0]!.message, new RegExp(`^Recurring job exclusive: Skipped the tick of 2030-01-01T00:00:02.000Z: the last run \\(job ${first!.id}\\) is still Enqueued\\. .*delete or requeue it`));
        assert.deepEqual(warnings()[0]!.fields, { recurringJobId: 'exclusive', jobId: first!.id, state: 'Enqueued' });
        assert.equal(h.logger.at('info').filter((m) => m.includes('Skipped the tick')).length, 2, 'the later skips at info');

        // The run finishes, the next tick runs, and that run holds the ticks up in turn: said again, for it.
        assert.equal((await h.deployment.client.delete(first!.id))._unsafeUnwrap(), true);
        for (const second of [5, 6, 7]) await passAt(second);
        const second = (await h.runs('exclusive'))[1]!;
        assert.equal(warnings().length, 2);
        assert.deepEqual(warnings()[1]!.fields, { recurringJobId: 'exclusive', jobId: second.id, state: 'Enqueued' });
      }));
  });
}
