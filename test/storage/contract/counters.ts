/** The dashboard's succeeded/failed history: counters appended by state changes, aggregated into hourly totals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryPoint } from '../../../src/storage/monitoring-types.js';
import type { StorageKind, TestStorage } from '../../support/test-storage.js';
import { createEach, fetchOk, withStorage } from './support.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const total = (points: readonly HistoryPoint[], key: 'succeeded' | 'failed') => points.reduce((sum, p) => sum + p[key], 0);

async function rawRows(t: TestStorage): Promise<{ name: string; count: number }[]> {
  return t.sql(`SELECT name, count FROM "${t.options.schemaName!}".job_counters ORDER BY id`);
}

async function totals(t: TestStorage): Promise<{ name: string; count: number }[]> {
  return (await t.sql<{ name: string; count: string }>(`SELECT name, count FROM "${t.options.schemaName!}".job_counter_totals ORDER BY bucket, name`))
    .map((row) => ({ name: row.name, count: Number(row.count) }));
}

export function counterContract(kind: StorageKind): void {
  describe(`counters and history (${kind})`, () => {
    it('counts jobs that reached Succeeded and Failed, one appended row per state and statement, visible before aggregation', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        await createEach(storage, 6);
        const jobs = await fetchOk(storage, { limit: 6 });
        const [a, b, c, d, e, f] = jobs;
        const applied = (await storage.changeStates([
          { jobId: a!.id, from: ['Processing'], lease: a!.lease, to: { name: 'Succeeded', result: '1' } },
          { jobId: b!.id, from: ['Processing'], lease: b!.lease, to: { name: 'Succeeded' } },
          { jobId: c!.id, from: ['Processing'], lease: c!.lease, to: { name: 'Succeeded' } },
          { jobId: d!.id, from: ['Processing'], lease: { jobId: d!.id, token: 99 }, to: { name: 'Succeeded' } },
          { jobId: e!.id, from: ['Processing'], lease: e!.lease, to: { name: 'Failed' } },
          { jobId: f!.id, from: ['Processing'], lease: f!.lease, to: { name: 'Scheduled', runAt: new Date(Date.now() + 60_000), retryCount: 1 } },
        ]))._unsafeUnwrap();
        assert.deepEqual(applied, [true, true, true, false, true, true], 'the statement answers as before');
        const raw = (await rawRows(t)).sort((x, y) => x.name.localeCompare(y.name));
        assert.deepEqual(raw, [{ name: 'Failed', count: 1 }, { name: 'Succeeded', count: 3 }], 'a refused change, a retry and a Scheduled job are not counted');
        assert.equal((await storage.changeState({ jobId: d!.id, from: ['Processing'], lease: d!.lease, to: { name: 'Deleted' } }))._unsafeUnwrap(), true);
        assert.equal((await rawRows(t)).length, 2, 'Deleted is not counted');

        const history = (await storage.stateHistory({ hours: 24, days: 7 }))._unsafeUnwrap();
        assert.equal(history.hourly.length, 24);
        assert.equal(history.daily.length, 7);
        assert.deepEqual([total(history.hourly, 'succeeded'), total(history.hourly, 'failed')], [3, 1], 'not aggregated yet, already counted');
        assert.deepEqual([total(history.daily, 'succeeded'), total(history.daily, 'failed')], [3, 1]);
        assert.equal(history.hourly[23]!.succeeded + history.hourly[22]!.succeeded, 3, 'in the current hour (or the one before, right at the turn of an hour)');
      }));

    it('aggregates raw rows into hourly totals exactly once, and the history stays the same', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        await createEach(storage, 4);
        for (const [index, job] of (await fetchOk(storage, { limit: 4 })).entries()) {
          (await storage.changeState({ jobId: job.id, from: ['Processing'], lease: job.lease, to: { name: index === 0 ? 'Failed' : 'Succeeded' } }))._unsafeUnwrap();
        }
        const before = (await storage.stateHistory({ hours: 24, days: 7 }))._unsafeUnwrap();
        assert.equal((await rawRows(t)).length, 4, 'one row per statement');
        assert.equal((await storage.aggregateCounters(3))._unsafeUnwrap(), 3, 'at most the limit');
        assert.equal((await storage.aggregateCounters(100))._unsafeUnwrap(), 1);
        assert.equal((await storage.aggregateCounters(100))._unsafeUnwrap(), 0, 'nothing left: aggregating again changes nothing');
        assert.deepEqual(await rawRows(t), []);
        const summed = await totals(t);
        assert.equal(summed.reduce((sum, row) => sum + row.count, 0), 4);
        assert.deepEqual((await storage.stateHistory({ hours: 24, days: 7 }))._unsafeUnwrap(), before, 'totals plus raw rows: the same numbers before and after');
      }));

    it('puts counts in the right hour and day buckets, and drops totals past the retention', () =>
      withStorage(kind, async (t) => {
        const { storage } = t;
        const schema = `"${t.options.schemaName!}"`;
        await t.sql(`INSERT INTO ${schema}.job_counters (bucket, name, count) VALUES
          (date_trunc('hour', now(), 'UTC') - interval '3 hours', 'Succeeded', 5),
          (date_trunc('hour', now(), 'UTC') - interval '3 hours', 'Failed', 2),
          (date_trunc('hour', now(), 'UTC') - interval '30 hours', 'Succeeded', 7),
          (date_trunc('hour', now(), 'UTC') - interval '10 days', 'Succeeded', 11),
          (date_trunc('hour', now(), 'UTC') - interval '40 days', 'Failed', 13)`);
        await t.sql(`INSERT INTO ${schema}.job_counter_totals (bucket, name, count) VALUES
          (date_trunc('hour', now(), 'UTC') - interval '3 hours', 'Succeeded', 100),
          (date_trunc('hour', now(), 'UTC') - interval '45 days', 'Succeeded', 1000)`);
        const check = async () => {
          const history = (await storage.stateHistory({ hours: 24, days: 7 }))._unsafeUnwrap();
          const hourStarts = history.hourly.map((p) => p.start.getTime());
          const currentHour = Math.floor(Date.now() / HOUR) * HOUR;
          assert.ok(Math.abs(hourStarts[23]! - currentHour) <= HOUR, 'the last point is the current hour');
          assert.ok(hourStarts.every((start, i) => i === 0 || start - hourStarts[i - 1]! === HOUR), 'consecutive hours, oldest first');
          const dayStarts = history.daily.map((p) => p.start.getTime());
          assert.ok(dayStarts.every((start, i) => start % DAY === 0 && (i === 0 || start - dayStarts[i - 1]! === DAY)), 'consecutive UTC days, oldest first');
          assert.deepEqual(history.hourly[20], { start: new Date(hourStarts[20]!), succeeded: 105, failed: 2 }, 'three hours ago: totals plus raw rows');
          assert.deepEqual([total(history.hourly, 'succeeded'), total(history.hourly, 'failed')], [105, 2], '30 hours ago is outside the last 24');
          assert.deepEqual([total(history.daily, 'succeeded'), total(history.daily, 'failed')], [112, 2], 'the last 7 days hold 30 hours ago, not 10 days ago');
        };
        await check();
        assert.equal((await storage.aggregateCounters(100))._unsafeUnwrap(), 5);
        await check();
        const left = await totals(t);
        assert.deepEqual(left.map((row) => row.count).sort((x, y) => x - y), [2, 7, 11, 105], 'totals past the retention are gone, raw rows that old are not kept');
        assert.equal((await storage.stateHistory({ hours: 0, days: 7 }))._unsafeUnwrapErr().kind, 'InvalidInput');
        assert.equal((await storage.stateHistory({ hours: 24, days: 1.5 }))._unsafeUnwrapErr().kind, 'InvalidInput');
      }));

    it('counts every job that ever reached Succeeded and Failed: aggregation, retention and expiration never lower the all-time counts', () =>
      withStorage(
        kind,
        async (t) => {
          const { storage } = t;
          const schema = `"${t.options.schemaName!}"`;
          assert.deepEqual((await storage.allTimeCounts())._unsafeUnwrap(), { succeeded: 0, failed: 0 }, 'a fresh schema');
          await createEach(storage, 3);
          const [a, b, c] = await fetchOk(storage, { limit: 3 });
          (await storage.changeStates([
            { jobId: a!.id, from: ['Processing'], lease: a!.lease, to: { name: 'Succeeded' } },
            { jobId: b!.id, from: ['Processing'], lease: b!.lease, to: { name: 'Succeeded' } },
            { jobId: c!.id, from: ['Processing'], lease: c!.lease, to: { name: 'Failed' } },
          ]))._unsafeUnwrap();
          // A raw row older than the hourly retention: the history drops it, the all-time counts keep it.
          await t.sql(`INSERT INTO ${schema}.job_counters (bucket, name, count) VALUES (date_trunc('hour', now(), 'UTC') - interval '40 days', 'Succeeded', 7)`);
          const expected = { succeeded: 9, failed: 1 };
          assert.deepEqual((await storage.allTimeCounts())._unsafeUnwrap(), expected, 'raw rows count at once');
          assert.equal((await storage.aggregateCounters(100))._unsafeUnwrap(), 3);
          assert.deepEqual((await storage.allTimeCounts())._unsafeUnwrap(), expected, 'folded, counted once');
          assert.equal((await storage.expireJobs(100))._unsafeUnwrap(), 2, 'the Succeeded jobs expire');
          assert.equal((await storage.stateCounts())._unsafeUnwrap().Succeeded, 0, 'no Succeeded job is kept');
          assert.deepEqual((await storage.allTimeCounts())._unsafeUnwrap(), expected, 'expiration does not lower them');
          assert.equal((await storage.aggregateCounters(100))._unsafeUnwrap(), 0);
          assert.deepEqual((await storage.allTimeCounts())._unsafeUnwrap(), expected);
        },
        { jobExpirationTimeoutMs: 0 },
      ));

    if (kind === 'PostgreSql') {
      it('two aggregators running at once count every row exactly once', () =>
        withStorage(kind, async (t) => {
          const { storage } = t;
          const schema = `"${t.options.schemaName!}"`;
          await t.sql(`INSERT INTO ${schema}.job_counters (bucket, name, count)
            SELECT date_trunc('hour', now(), 'UTC') - (i % 5) * interval '1 hour', CASE WHEN i % 4 = 0 THEN 'Failed' ELSE 'Succeeded' END, i % 3 + 1
            FROM generate_series(1, 2000) AS i`);
          const [expected] = await t.sql<{ succeeded: string; failed: string }>(`SELECT
            sum(count) FILTER (WHERE name = 'Succeeded') AS succeeded, sum(count) FILTER (WHERE name = 'Failed') AS failed FROM ${schema}.job_counters`);
          const aggregator = async () => {
            let moved = 0;
            for (;;) {
              const n = (await storage.aggregateCounters(50))._unsafeUnwrap();
              if (n === 0) return moved;
              moved += n;
            }
          };
          const moved = await Promise.all([aggregator(), aggregator(), aggregator()]);
          assert.equal(moved.reduce((sum, n) => sum + n, 0), 2000, 'each raw row moved by one aggregator');
          assert.deepEqual(await rawRows(t), []);
          const summed = await totals(t);
          assert.equal(summed.length, 10, 'one total per hour and state');
          assert.equal(summed.filter((r) => r.name === 'Succeeded').reduce((s, r) => s + r.count, 0), Number(expected!.succeeded));
          assert.equal(summed.filter((r) => r.name === 'Failed').reduce((s, r) => s + r.count, 0), Number(expected!.failed));
        }));
    }
  });
}
