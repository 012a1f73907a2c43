/** Cron arithmetic on a fixed clock: validation, next occurrences in time zones and across DST, and each misfire policy. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  IGNORABLE_MISFIRE_GRACE_MS, MAX_CRON_LENGTH, MAX_STRICT_TICKS_PER_PASS,
  checkCron, checkSchedule, checkTimeZone, isOccurrence, latestOccurrence, nextOccurrence, planTicks,
} from '../../src/recurring/cron-schedule.js';

const iso = (date: Date | undefined) => date?.toISOString();
const d = (text: string) => new Date(text);

describe('checkCron', () => {
  it('accepts 5 and 6 fields and macros, normalising the spacing', () => {
    assert.equal(checkCron('*/5 * * * *')._unsafeUnwrap(), '*/5 * * * *');
    assert.equal(checkCron('  0   9 * *\tMON-FRI ')._unsafeUnwrap(), '0 9 * * MON-FRI');
    assert.equal(checkCron('*/10 * * * * *')._unsafeUnwrap(), '*/10 * * * * *');
    assert.equal(checkCron('0 0 * * THU')._unsafeUnwrap(), '0 0 * * THU', 'a day name with an H is not a hash');
    assert.equal(checkCron('@daily')._unsafeUnwrap(), '@daily');
    assert.equal(checkCron('0 0 L * *')._unsafeUnwrap(), '0 0 L * *');
  });

  it('refuses empty, malformed, out-of-range, hashed and huge expressions as InvalidCron', () => {
    const refused = ['', '   ', '* * * *', '* * * * * * *', 'a b c d e', '61 * * * *', '* 24 * * *', '0 0 30 2 *', '*/0 * * * *', 'H * * * *', '0 H(0-5) * * *', '@reboot', `${'1,'.repeat(100)}1 * * * *`];
    for (const cron of refused) {
      const error = checkCron(cron)._unsafeUnwrapErr();
      assert.equal(error.kind, 'InvalidCron', cron);
      assert.match(error.message, /is refused/);
    }
    assert.ok(`${'1,'.repeat(100)}1 * * * *`.length > MAX_CRON_LENGTH);
    assert.match(checkCron(`${'1,'.repeat(100)}1 * * * *`)._unsafeUnwrapErr().message, /longer than 200/);
    assert.match(checkCron('* * * *')._unsafeUnwrapErr().message, /4 field/);
    assert.equal(checkCron(42)._unsafeUnwrapErr().kind, 'InvalidCron');
  });
});

describe('checkTimeZone', () => {
  it('accepts IANA zones and refuses unknown zones and offsets', () => {
    for (const zone of ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata']) assert.equal(checkTimeZone(zone)._unsafeUnwrap(), zone);
    for (const zone of ['Mars/Olympus_Mons', '+02:00', '', 'Europe/Pariss']) assert.equal(checkTimeZone(zone)._unsafeUnwrapErr().kind, 'InvalidTimeZone', zone);
  });

  it('checks a schedule as a whole, the cron first', () => {
    assert.deepEqual(checkSchedule('0 9 * * *', 'Europe/Paris')._unsafeUnwrap(), { cron: '0 9 * * *', timeZone: 'Europe/Paris' });
    assert.equal(checkSchedule('nope', 'Nowhere/City')._unsafeUnwrapErr().kind, 'InvalidCron');
    assert.equal(checkSchedule('0 9 * * *', 'Nowhere/City')._unsafeUnwrapErr().kind, 'InvalidTimeZone');
  });
});

describe('nextOccurrence', () => {
  it('is strictly after the given instant, to the minute or to the second', () => {
    assert.equal(iso(nextOccurrence('*/15 * * * *', 'UTC', d('2024-05-01T10:07:30Z'))), '2024-05-01T10:15:00.000Z');
    assert.equal(iso(nextOccurrence('*/15 * * * *', 'UTC', d('2024-05-01T10:15:00Z'))), '2024-05-01T10:30:00.000Z', 'an instant on a tick is not "after" it');
    assert.equal(iso(nextOccurrence('*/10 * * * * *', 'UTC', d('2024-05-01T10:07:30.500Z'))), '2024-05-01T10:07:40.000Z');
    assert.equal(iso(nextOccurrence('* * * * * *', 'UTC', d('2024-05-01T10:07:30Z'))), '2024-05-01T10:07:31.000Z');
    assert.equal(iso(latestOccurrence('*/10 * * * * *', 'UTC', d('2024-05-01T10:07:40Z'))), '2024-05-01T10:07:40.000Z', 'latest is at or before');
  });

  it('reads the expression in its time zone, across DST changes', () => {
    // Paris moves to summer time on 2024-03-31, New York on 2024-03-10.
    const walk = (cron: string, zone: string, from: string, count: number) => {
      const out: string[] = [];
      let at = d(from);
      for (let i = 0; i < count; i++) out.push((at = nextOccurrence(cron, zone, at)!).toISOString());
      return out;
    };
    const take = (zone: string, from: string, count: number) => walk('0 9 * * *', zone, from, count);
    assert.deepEqual(take('Europe/Paris', '2024-03-30T00:00:00Z', 2), ['2024-03-30T08:00:00.000Z', '2024-03-31T07:00:00.000Z']);
    assert.deepEqual(take('America/New_York', '2024-03-09T00:00:00Z', 2), ['2024-03-09T14:00:00.000Z', '2024-03-10T13:00:00.000Z']);
    assert.equal(iso(nextOccurrence('0 9 * * *', 'UTC', d('2024-03-30T00:00:00Z'))), '2024-03-30T09:00:00.000Z');
    // 02:30 does not exist in Paris on 2024-03-31 (02:00 jumps to 03:00): that day it runs at 03:30, shifted by the gap.
    assert.equal(iso(nextOccurrence('30 2 * * *', 'Europe/Paris', d('2024-03-31T00:00:00Z'))), '2024-03-31T01:30:00.000Z');
    // 02:00 to 03:00 happens twice in Paris on 2024-10-27: a fixed 02:30 runs once, every 30 minutes runs in both copies.
    assert.deepEqual(walk('30 2 * * *', 'Europe/Paris', '2024-10-26T12:00:00Z', 2), ['2024-10-27T00:30:00.000Z', '2024-10-28T01:30:00.000Z'], 'fixed time: once');
    assert.deepEqual(walk('*/30 * * * *', 'Europe/Paris', '2024-10-26T23:45:00Z', 4),
      ['2024-10-27T00:00:00.000Z', '2024-10-27T00:30:00.000Z', '2024-10-27T01:00:00.000Z', '2024-10-27T01:30:00.000Z'], 'step: both copies of 02:00 and 02:30');
  });

  it('latestOccurrence agrees with it across DST changes', () => {
    // Berlin jumps from 02:00 to 03:00 on 2026-03-29, New York on 2026-03-08: 02:30 runs at 03:30, and is the latest from then on.
    assert.equal(iso(nextOccurrence('30 2 * * *', 'Europe/Berlin', d('2026-03-28T12:00:00Z'))), '2026-03-29T01:30:00.000Z');
    for (const at of ['2026-03-29T01:30:00Z', '2026-03-29T01:31:00Z', '2026-03-29T12:00:00Z']) {
      assert.equal(iso(latestOccurrence('30 2 * * *', 'Europe/Berlin', d(at))), '2026-03-29T01:30:00.000Z', `Berlin, at ${at}: not the day before`);
    }
    assert.equal(iso(latestOccurrence('30 2 * * *', 'Europe/Berlin', d('2026-03-29T01:29:59.999Z'))), '2026-03-28T01:30:00.000Z', 'just before: the day before');
    assert.equal(iso(nextOccurrence('30 2 * * *', 'America/New_York', d('2026-03-07T12:00:00Z'))), '2026-03-08T07:30:00.000Z');
    assert.equal(iso(latestOccurrence('30 2 * * *', 'America/New_York', d('2026-03-08T12:00:00Z'))), '2026-03-08T07:30:00.000Z', 'New York');
    // Every 10 minutes of the skipped hour: next() fires it once, at 03:00; latest says the same, never 03:10...03:50.
    assert.equal(iso(nextOccurrence('*/10 2 * * *', 'Europe/Berlin', d('2026-03-29T01:00:00Z'))), '2026-03-30T00:00:00.000Z');
    assert.equal(iso(latestOccurrence('*/10 2 * * *', 'Europe/Berlin', d('2026-03-29T03:00:00Z'))), '2026-03-29T01:00:00.000Z');
    // Berlin repeats 02:00 to 03:00 on 2026-10-25: a fixed 02:30 is the first copy only, also for latest.
    assert.equal(iso(latestOccurrence('30 2 * * *', 'Europe/Berlin', d('2026-10-25T01:30:00Z'))), '2026-10-25T00:30:00.000Z', 'not the second copy');
    assert.equal(iso(latestOccurrence('30 2 * * *', 'Europe/Berlin', d('2026-10-25T12:00:00Z'))), '2026-10-25T00:30:00.000Z');
    assert.equal(iso(latestOccurrence('*/30 * * * *', 'Europe/Berlin', d('2026-10-25T01:45:00Z'))), '2026-10-25T01:30:00.000Z', 'a step runs in both copies');
  });

  it('steps past the instants where cron-parser fails: a 30-minute DST change (Australia/Lord_Howe)', () => {
    // Lord Howe goes from +11:00 to +10:30 at 2026-04-04T15:00Z (02:00 local back to 01:30). There cron-parser
    // throws ("loop limit exceeded") or goes backwards; the hourly ticks are 14:00Z (01:00) and 15:30Z (02:00).
    const lordHowe = 'Australia/Lord_Howe';
    assert.equal(iso(nextOccurrence('0 * * * *', lordHowe, d('2026-04-04T14:00:00Z'))), '2026-04-04T15:30:00.000Z', 'it threw here');
    assert.equal(iso(nextOccurrence('0 * * * *', lordHowe, d('2026-04-04T14:10:00Z'))), '2026-04-04T15:30:00.000Z', 'it went back to 14:00Z here');
    assert.equal(iso(nextOccurrence('0 * * * *', lordHowe, d('2026-04-04T15:30:00Z'))), '2026-04-04T16:30:00.000Z', 'past the change: cron-parser again');
    // A daily 03:00: cron-parser throws for hours before the change; 03:00 that day is 16:30Z (+10:30).
    assert.equal(iso(nextOccurrence('0 3 * * *', lordHowe, d('2026-04-04T12:00:00Z'))), '2026-04-04T16:30:00.000Z');
    // The ordinary case is unchanged.
    assert.equal(iso(nextOccurrence('0 * * * *', 'Europe/Berlin', d('2026-04-04T14:00:00Z'))), '2026-04-04T15:00:00.000Z');
    // A pass planned at the failing instant keeps a next tick (strictly after now), so the definition keeps firing.
    const due = { cron: '0 * * * *', timeZone: lordHowe, nextExecutionAt: d('2026-04-04T14:00:00Z') };
    for (const policy of ['relaxed', 'strict', 'ignorable'] as const) {
      for (const at of ['2026-04-04T14:00:00Z', '2026-04-04T14:00:30Z']) {
        assert.deepEqual(planTicks(due, d(at), policy), { fireAt: [d('2026-04-04T14:00:00Z')], nextExecutionAt: d('2026-04-04T15:30:00Z') }, `${policy} at ${at}`);
      }
    }
  });

  it('isOccurrence: an instant it returns, to the millisecond, across DST changes', () => {
    assert.equal(isOccurrence('0 * * * *', 'UTC', d('2024-05-01T10:00:00Z')), true);
    assert.equal(isOccurrence('0 * * * *', 'UTC', d('2024-05-01T10:00:00.001Z')), false, 'a millisecond off');
    assert.equal(isOccurrence('0 * * * *', 'UTC', d('2024-05-01T10:30:00Z')), false);
    assert.equal(isOccurrence('* * * * * *', 'UTC', d('2024-05-01T10:07:31Z')), true, 'every second');
    assert.equal(isOccurrence('* * * * * *', 'UTC', d('2024-05-01T10:07:31.500Z')), false);
    // Berlin: 02:30 skipped on 2026-03-29 runs at 03:30 (01:30Z), an occurrence though only reached from before the gap.
    assert.equal(isOccurrence('30 2 * * *', 'Europe/Berlin', d('2026-03-29T01:30:00Z')), true, 'the shifted tick');
    // 02:30 repeated on 2026-10-25: a walk fires the first copy only, but a definition added inside the repeated hour
    // is given the second copy as its first tick, so both are occurrences.
    assert.equal(isOccurrence('30 2 * * *', 'Europe/Berlin', d('2026-10-25T00:30:00Z')), true, 'the first copy');
    assert.equal(iso(nextOccurrence('30 2 * * *', 'Europe/Berlin', d('2026-10-25T01:10:00Z'))), '2026-10-25T01:30:00.000Z');
    assert.equal(isOccurrence('30 2 * * *', 'Europe/Berlin', d('2026-10-25T01:30:00Z')), true, 'the second copy');
    assert.equal(isOccurrence('30 2 * * *', 'Europe/Berlin', d('2026-10-25T02:30:00Z')), false, 'an hour later');
    assert.equal(isOccurrence('0 * * * *', 'Australia/Lord_Howe', d('2026-04-04T15:30:00Z')), true, 'where cron-parser fails (30-minute DST change)');
    assert.equal(isOccurrence('0 * * * *', 'Australia/Lord_Howe', d('2026-04-04T15:00:00Z')), false);
    assert.equal(isOccurrence('not a cron', 'UTC', d('2024-05-01T10:00:00Z')), false);
  });

  it('is undefined for an invalid expression or zone', () => {
    assert.equal(nextOccurrence('not a cron', 'UTC', d('2024-01-01T00:00:00Z')), undefined);
    assert.equal(nextOccurrence('* * * * *', 'Nowhere/City', d('2024-01-01T00:00:00Z')), undefined);
  });
});

describe('planTicks', () => {
  const everyMinute = (next: string) => ({ cron: '* * * * *', timeZone: 'UTC', nextExecutionAt: d(next) });
  const now = d('2024-05-01T10:05:30Z');

  it('fires nothing and keeps the next tick when none is due', () => {
    for (const policy of ['relaxed', 'strict', 'ignorable'] as const) {
      assert.deepEqual(planTicks(everyMinute('2024-05-01T10:06:00Z'), now, policy), { fireAt: [], nextExecutionAt: d('2024-05-01T10:06:00Z') });
      assert.deepEqual(planTicks({ ...everyMinute('2024-05-01T10:06:00Z'), nextExecutionAt: undefined }, now, policy), { fireAt: [], nextExecutionAt: undefined });
    }
  });

  it('fires the one due tick in every policy, and moves to the first occurrence after now', () => {
    const onTime = d('2024-05-01T10:05:00.200Z');
    for (const policy of ['relaxed', 'strict', 'ignorable'] as const) {
      assert.deepEqual(planTicks(everyMinute('2024-05-01T10:05:00Z'), onTime, policy), { fireAt: [d('2024-05-01T10:05:00Z')], nextExecutionAt: d('2024-05-01T10:06:00Z') }, policy);
    }
    assert.deepEqual(planTicks(everyMinute('2024-05-01T10:05:00Z'), d('2024-05-01T10:05:00Z'), 'relaxed').fireAt, [d('2024-05-01T10:05:00Z')], 'a tick exactly now is due');
  });

  it('relaxed: one run for all missed ticks, for the latest of them', () => {
    assert.deepEqual(planTicks(everyMinute('2024-05-01T10:00:00Z'), now, 'relaxed'), { fireAt: [d('2024-05-01T10:05:00Z')], nextExecutionAt: d('2024-05-01T10:06:00Z') });
    assert.deepEqual(planTicks(everyMinute('2024-04-01T00:00:00Z'), now, 'relaxed').fireAt, [d('2024-05-01T10:05:00Z')], 'a month down: still one run');
  });

  it('strict: one run per missed tick, oldest first, at most the cap per pass with the rest left due', () => {
    assert.deepEqual(planTicks(everyMinute('2024-05-01T10:00:00Z'), now, 'strict'), {
      fireAt: ['10:00', '10:01', '10:02', '10:03', '10:04', '10:05'].map((hm) => d(`2024-05-01T${hm}:00Z`)),
      nextExecutionAt: d('2024-05-01T10:06:00Z'),
    });
    const capped = planTicks({ cron: '* * * * * *', timeZone: 'UTC', nextExecutionAt: d('2024-05-01T09:00:00Z') }, now, 'strict');
    assert.equal(capped.fireAt.length, MAX_STRICT_TICKS_PER_PASS);
    assert.equal(iso(capped.fireAt.at(-1)), '2024-05-01T09:16:39.000Z');
    assert.equal(iso(capped.nextExecutionAt), '2024-05-01T09:16:40.000Z', 'the first tick not fired stays due');
    const rest = planTicks({ cron: '* * * * * *', timeZone: 'UTC', nextExecutionAt: capped.nextExecutionAt }, now, 'strict');
    assert.equal(iso(rest.fireAt[0]), '2024-05-01T09:16:40.000Z', 'the next pass continues where the last stopped');
  });

  it(`ignorable: fires the latest due tick up to ${IGNORABLE_MISFIRE_GRACE_MS} ms late, skips it when older`, () => {
    assert.deepEqual(planTicks(everyMinute('2024-05-01T10:00:00Z'), now, 'ignorable'), { fireAt: [d('2024-05-01T10:05:00Z')], nextExecutionAt: d('2024-05-01T10:06:00Z') }, 'the 10:05 tick is 30 s late');
    const hourly = { cron: '0 * * * *', timeZone: 'UTC', nextExecutionAt: d('2024-05-01T10:00:00Z') };
    assert.deepEqual(planTicks(hourly, d('2024-05-01T10:01:00Z'), 'ignorable'), { fireAt: [d('2024-05-01T10:00:00Z')], nextExecutionAt: d('2024-05-01T11:00:00Z') }, 'exactly at the grace limit');
    assert.deepEqual(planTicks(hourly, d('2024-05-01T10:01:00.001Z'), 'ignorable'), { fireAt: [], nextExecutionAt: d('2024-05-01T11:00:00Z') }, 'past it: skipped');
  });

  it('relaxed and ignorable plan the tick a skipped DST hour is shifted to, and a repeated hour once', () => {
    const berlin = (next: string) => ({ cron: '30 2 * * *', timeZone: 'Europe/Berlin', nextExecutionAt: d(next) });
    // 02:30 on 2026-03-29 runs at 03:30 (01:30Z); the server was down since the day before.
    assert.deepEqual(planTicks(berlin('2026-03-28T01:30:00Z'), d('2026-03-29T01:30:30Z'), 'ignorable'),
      { fireAt: [d('2026-03-29T01:30:00Z')], nextExecutionAt: d('2026-03-30T00:30:00Z') }, 'ignorable: the 30 s old tick is not lost');
    assert.deepEqual(planTicks(berlin('2026-03-27T01:30:00Z'), d('2026-03-29T12:00:00Z'), 'relaxed'),
      { fireAt: [d('2026-03-29T01:30:00Z')], nextExecutionAt: d('2026-03-30T00:30:00Z') }, 'relaxed: the latest tick, not the day before');
    // Fall back on 2026-10-25: the first 02:30 fires; the second copy is not a tick, in either policy.
    for (const policy of ['relaxed', 'ignorable'] as const) {
      const first = planTicks(berlin('2026-10-25T00:30:00Z'), d('2026-10-25T00:30:10Z'), policy);
      assert.deepEqual(first, { fireAt: [d('2026-10-25T00:30:00Z')], nextExecutionAt: d('2026-10-26T01:30:00Z') }, policy);
      assert.deepEqual(planTicks(berlin('2026-10-25T00:30:00Z'), d('2026-10-25T01:30:10Z'), policy).fireAt,
        policy === 'relaxed' ? [d('2026-10-25T00:30:00Z')] : [], `${policy}: late, the tick is still the first copy`);
    }
    assert.deepEqual(planTicks(berlin('2026-10-24T00:30:00Z'), d('2026-10-25T03:00:00Z'), 'relaxed').fireAt, [d('2026-10-25T00:30:00Z')], 'relaxed catch-up: the first copy');
  });

  it('strict catches up the ticks nextOccurrence counts, on a spring-forward day too', () => {
    // Berlin jumps from 02:00 to 03:00 on 2026-03-29: every 10 minutes of 02:xx is one tick, 03:00 (01:00Z).
    const skipped = { cron: '*/10 2 * * *', timeZone: 'Europe/Berlin', nextExecutionAt: d('2026-03-28T01:00:00Z') };
    const now = d('2026-03-29T12:00:00Z');
    const walked: Date[] = [];
    for (let tick = skipped.nextExecutionAt as Date | undefined; tick !== undefined && tick.getTime() <= now.getTime(); tick = nextOccurrence(skipped.cron, skipped.timeZone, tick)) walked.push(tick);
    const strict = planTicks(skipped, now, 'strict');
    assert.deepEqual(strict.fireAt.map(iso), walked.map(iso), 'the ticks nextOccurrence walks');
    assert.deepEqual(strict.fireAt.slice(-2).map(iso), ['2026-03-28T01:50:00.000Z', '2026-03-29T01:00:00.000Z'], '03:00 only, not 03:10...03:50');
    assert.equal(iso(strict.nextExecutionAt), '2026-03-30T00:00:00.000Z');
    assert.deepEqual(planTicks(skipped, now, 'relaxed').fireAt, [d('2026-03-29T01:00:00Z')], 'relaxed: the same latest tick');
  });

  it('plans in the time zone of the definition', () => {
    const paris = { cron: '0 9 * * *', timeZone: 'Europe/Paris', nextExecutionAt: d('2024-03-30T08:00:00Z') };
    assert.deepEqual(planTicks(paris, d('2024-03-31T12:00:00Z'), 'strict'), {
      fireAt: [d('2024-03-30T08:00:00Z'), d('2024-03-31T07:00:00Z')],
      nextExecutionAt: d('2024-04-01T07:00:00Z'),
    });
  });
});
