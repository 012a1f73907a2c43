/** The recurring scheduler's storage: due passes in one transaction, trigger records, resume, and how long to sleep. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { JobStorage } from '../../../src/storage/job-storage.js';
import type { RecurringDefinition } from '../../../src/storage/recurring-types.js';
import type { StorageKind } from '../../support/test-storage.js';
import { newJob, stateOf, withStorage } from './support.js';

const T0 = new Date('2030-06-01T12:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function definition(id: string, nextExecutionAt: Date | undefined, overrides: Partial<RecurringDefinition> = {}): RecurringDefinition {
  return { id, cron: '* * * * * *', timeZone: 'UTC', queue: 'default', typeName: 'Ping', payload: { id }, misfire: 'relaxed', skipIfRunning: false, nextExecutionAt, ...overrides };
}

async function seed(storage: JobStorage, ...definitions: RecurringDefinition[]): Promise<void> {
  for (const d of definitions) (await storage.upsertRecurring(d))._unsafeUnwrap();
}

async function recurring(storage: JobStorage, id: string) {
  return (await storage.getRecurring(id))._unsafeUnwrap()!;
}

export function recurringTicksContract(kind: StorageKind): void {
  describe(`recurring ticks (${kind})`, () => {
    it('hands out due, unpaused definitions oldest first, up to the limit, with the clock and the last job state', () =>
      withStorage(kind, async ({ storage }) => {
        await seed(storage, definition('late', at(-10)), definition('later', at(-5)), definition('future', at(60)), definition('never', undefined), definition('paused', at(-20)));
        (await storage.setRecurringPaused('paused', true))._unsafeUnwrap();
        const lastJob = (await storage.createJob(newJob()))._unsafeUnwrap();
        (await storage.recordRecurringRun('later', lastJob, at(-6)))._unsafeUnwrap();

        const seen: { id: string; now: Date; lastJobState: string | undefined }[] = [];
        const handled = await storage.processDueRecurring(1, (due, now) => {
          seen.push({ id: due.definition.id, now, lastJobState: due.lastJobState });
          return okAsync({ nextExecutionAt: at(100) });
        }, { now: T0 });
        assert.equal(handled._unsafeUnwrap(), 1);
        assert.deepEqual([...seen], [{ id: 'late', now: T0, lastJobState: undefined }], 'the oldest tick first, limited to 1, on the given clock');

        seen.length = 0;
        assert.equal((await storage.processDueRecurring(10, (due, now) => {
          seen.push({ id: due.definition.id, now, lastJobState: due.lastJobState });
          return okAsync({ nextExecutionAt: at(100) });
        }, { now: T0 }))._unsafeUnwrap(), 1);
        assert.deepEqual(seen, [{ id: 'later', now: T0, lastJobState: 'Enqueued' }], 'late was advanced; future, never and paused are not due');
        assert.equal((await storage.processDueRecurring(10, () => okAsync({ nextExecutionAt: undefined }), { now: T0 }))._unsafeUnwrap(), 0);
      }));

    it('an update keeping the schedule keeps the tick as the pass left it, even when the update was read before the pass fired', () =>
      withStorage(kind, async ({ storage }) => {
        await seed(storage, definition('every-second', at(-1)));
        // What addOrUpdate read before writing: the tick about to fire.
        const read = await recurring(storage, 'every-second');
        let update: PromiseLike<unknown> | undefined;
        (await storage.processDueRecurring(10, () => {
          // The write arrives while the pass holds the definition.
          update = storage.upsertRecurring(definition('every-second', read.nextExecutionAt, { payload: { v: 2 } })).then((r) => r._unsafeUnwrap());
          return okAsync({ nextExecutionAt: at(1), lastExecutionAt: at(-1) });
        }, { now: T0 }))._unsafeUnwrap();
        await update;
        let stored = await recurring(storage, 'every-second');
        assert.equal(stored.nextExecutionAt?.toISOString(), at(1).toISOString(), 'the tick the pass fired is not planned again');
        assert.deepEqual(stored.payload, { v: 2 }, 'the rest of the definition was replaced');
        (await storage.upsertRecurring(definition('every-second', at(30), { cron: '*/5 * * * * *' })))._unsafeUnwrap();
        stored = await recurring(storage, 'every-second');
        assert.equal(stored.nextExecutionAt?.toISOString(), at(30).toISOString(), 'a new cron expression plans anew');
        (await storage.upsertRecurring(definition('every-second', at(40), { cron: '*/5 * * * * *', timeZone: 'Europe/Paris' })))._unsafeUnwrap();
        stored = await recurring(storage, 'every-second');
        assert.equal(stored.nextExecutionAt?.toISOString(), at(40).toISOString(), 'so does a new time zone');
      }));

    it('an update keeping the schedule replaces the next execution it names, only while that is still the stored one', () =>
      withStorage(kind, async ({ storage }) => {
        // A retry time half a second off the grid.
        await seed(storage, definition('retrying', at(0.5)));
        (await storage.upsertRecurring(definition('retrying', at(1)), { replacing: at(0.5) }))._unsafeUnwrap();
        assert.equal((await recurring(storage, 'retrying')).nextExecutionAt?.toISOString(), at(1).toISOString(), 'still stored: replaced');
        // A pass moved it on after the caller read it: the tick that pass planned is kept.
        (await storage.upsertRecurring(definition('retrying', at(5), { payload: { v: 2 } }), { replacing: at(0.5) }))._unsafeUnwrap();
        const stored = await recurring(storage, 'retrying');
        assert.equal(stored.nextExecutionAt?.toISOString(), at(1).toISOString(), 'no longer stored: the planned tick is kept');
        assert.deepEqual(stored.payload, { v: 2 }, 'the rest of the definition was replaced');
      }));

    it("uses the database's clock when no clock is given", () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        await seed(storage, definition('past', new Date(Date.now() - 60_000)), definition('far', new Date(Date.now() + 3_600_000)));
        const dbNow = (await t.sql<{ now: Date }>('SELECT now() AS now'))[0]?.now;
        const seen: [string, Date][] = [];
        (await storage.processDueRecurring(10, (due, now) => {
          seen.push([due.definition.id, now]);
          return okAsync({ nextExecutionAt: new Date(Date.now() + 3_600_000) });
        }))._unsafeUnwrap();
        assert.deepEqual(seen.map(([id]) => id), ['past']);
        assert.ok(Math.abs(seen[0]![1].getTime() - dbNow!.getTime()) < 5_000, 'the clock handed to the handler is the database now()');
      }));

    it('records what the handler returns: next, last run and error; absent values keep the last run and clear the error', () =>
      withStorage(kind, async ({ storage }) => {
        await seed(storage, definition('a', at(-1)));
        const job = (await storage.createJob(newJob()))._unsafeUnwrap();
        (await storage.processDueRecurring(10, () => okAsync({ nextExecutionAt: at(1), lastJobId: job, lastExecutionAt: at(-1), error: 'skipped: still running' }), { now: T0 }))._unsafeUnwrap();
        let stored = await recurring(storage, 'a');
        assert.deepEqual([stored.nextExecutionAt, stored.lastJobId, stored.lastExecutionAt, stored.error], [at(1), job, at(-1), 'skipped: still running']);

        (await storage.processDueRecurring(10, () => okAsync({ nextExecutionAt: undefined }), { now: at(2) }))._unsafeUnwrap();
        stored = await recurring(storage, 'a');
        assert.deepEqual([stored.nextExecutionAt, stored.lastJobId, stored.lastExecutionAt, stored.error], [undefined, job, at(-1), undefined]);
        assert.equal(stored.cron, '* * * * * *', 'the definition is untouched');
      }));

    it('creates the jobs inside the pass: an error value rolls back the jobs and the schedule', () =>
      withStorage(kind, async ({ storage }) => {
        await seed(storage, definition('a', at(-1)), definition('b', at(-1)));
        const created: string[] = [];
        const outcome = await storage.processDueRecurring<{ kind: 'Boom' }>(10, (due, _now, transaction) => {
          if (due.definition.id === 'b') return errAsync({ kind: 'Boom' });
          return storage.createJob(newJob({ queue: 'recurring', recurringId: due.definition.id }), { transaction }).andThen((id) => {
            created.push(id);
            return okAsync({ nextExecutionAt: at(1), lastJobId: id });
          }).mapErr(() => ({ kind: 'Boom' as const }));
        }, { now: T0 });
        assert.deepEqual(outcome._unsafeUnwrapErr(), { kind: 'Boom' });
        assert.equal(created.length, 1);
        assert.equal(await stateOf(storage, created[0]!), undefined, 'the job created in the pass was rolled back');
        assert.deepEqual((await recurring(storage, 'a')).nextExecutionAt, at(-1), 'and the schedule was not advanced');

        const committed = (await storage.processDueRecurring(10, (due, _now, transaction) =>
          storage.createJob(newJob({ queue: 'recurring', recurringId: due.definition.id }), { transaction }).map((id) => ({ nextExecutionAt: at(1), lastJobId: id })),
        { now: T0 }))._unsafeUnwrap();
        assert.equal(committed, 2);
        const a = await recurring(storage, 'a');
        assert.equal(await stateOf(storage, a.lastJobId!), 'Enqueued');
        assert.equal((await storage.jobDetails(a.lastJobId!))._unsafeUnwrap()?.recurringId, 'a');
      }));

    it('fires each due definition once when passes run at the same time', () =>
      withStorage(kind, async ({ storage }) => {
        const ids = Array.from({ length: 20 }, (_, n) => `def-${String(n).padStart(2, '0')}`);
        await seed(storage, ...ids.map((id) => definition(id, at(-1))));
        const handledBy: string[] = [];
        const pass = () => storage.processDueRecurring(5, (due, _now, transaction) =>
          storage.createJob(newJob({ recurringId: due.definition.id }), { transaction }).map((id) => {
            handledBy.push(due.definition.id);
            return { nextExecutionAt: at(3600), lastJobId: id };
          }), { now: T0 });
        const counts = (await ResultAsync.combine(Array.from({ length: 8 }, pass)))._unsafeUnwrap();
        assert.equal(counts.reduce((sum, n) => sum + n, 0), 20);
        assert.deepEqual([...handledBy].sort(), ids, 'every definition handled exactly once');
        assert.equal((await storage.stateCounts())._unsafeUnwrap().Enqueued, 20);
      }));

    if (kind === 'PostgreSql') {
      it('skips definitions another pass holds instead of waiting for it', () =>
        withStorage(kind, async ({ storage }) => {
          await seed(storage, definition('held', at(-1)));
          let release: () => void = () => undefined;
          let entered: () => void = () => undefined;
          const inside = new Promise<void>((resolve) => (entered = resolve));
          const gate = new Promise<void>((resolve) => (release = resolve));
          const holder = storage.processDueRecurring(10, () => {
            entered();
            return ResultAsync.fromSafePromise(gate.then(() => ({ nextExecutionAt: at(60) })));
          }, { now: T0 });
          await inside;
          assert.equal((await storage.processDueRecurring(10, () => okAsync({ nextExecutionAt: at(60) }), { now: T0 }))._unsafeUnwrap(), 0, 'the held row is skipped');
          release();
          assert.equal((await holder)._unsafeUnwrap(), 1);
        }));
    }

    it('records a run outside the schedule, resumes with a new next only when paused, and says how long until the next tick', () =>
      withStorage(kind, async ({ storage }) => {
        assert.equal((await storage.recurringDueInMs(T0))._unsafeUnwrap(), undefined, 'nothing scheduled');
        await seed(storage, definition('a', at(30)), definition('b', at(90)));
        assert.equal((await storage.recurringDueInMs(T0))._unsafeUnwrap(), 30_000);
        assert.equal((await storage.recurringDueInMs(at(40)))._unsafeUnwrap(), -10_000, 'negative when already due');
        const dbDueIn = (await storage.recurringDueInMs())._unsafeUnwrap()!;
        assert.ok(dbDueIn > 0 && Math.abs(dbDueIn - (at(30).getTime() - Date.now())) < 60_000, 'on the database clock by default');

        (await storage.setRecurringPaused('a', true))._unsafeUnwrap();
        assert.equal((await storage.recurringDueInMs(T0))._unsafeUnwrap(), 90_000, 'paused definitions are not waited for');

        assert.equal((await storage.resumeRecurring('a', at(45)))._unsafeUnwrap(), true);
        let a = await recurring(storage, 'a');
        assert.deepEqual([a.paused, a.nextExecutionAt], [false, at(45)], 'a paused definition gets the new next');
        assert.equal((await storage.resumeRecurring('a', at(999)))._unsafeUnwrap(), true);
        assert.deepEqual((await recurring(storage, 'a')).nextExecutionAt, at(45), 'an unpaused one keeps its schedule');
        assert.equal((await storage.resumeRecurring('missing', at(1)))._unsafeUnwrap(), false);

        const job = (await storage.createJob(newJob()))._unsafeUnwrap();
        assert.equal((await storage.recordRecurringRun('a', job, at(5)))._unsafeUnwrap(), true);
        a = await recurring(storage, 'a');
        assert.deepEqual([a.lastJobId, a.lastExecutionAt, a.nextExecutionAt], [job, at(5), at(45)]);
        assert.equal((await storage.recordRecurringRun('missing', job))._unsafeUnwrap(), false);
        assert.equal((await storage.recordRecurringRun('a', 'not-an-id'))._unsafeUnwrapErr().kind, 'InvalidInput');
        (await storage.recordRecurringRun('b', job))._unsafeUnwrap();
        const b = await recurring(storage, 'b');
        assert.ok(b.lastExecutionAt !== undefined && Math.abs(b.lastExecutionAt.getTime() - Date.now()) < 60_000, "defaults to the database's now()");
      }));
  });
}
