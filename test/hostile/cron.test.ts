/** Cron expressions that are wrong, empty, huge or not strings: InvalidCron naming them, nothing stored, no throw, no hang. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_CRON_LENGTH } from '../../src/recurring/cron-schedule.js';
import { eventually, STORAGE_KINDS } from '../support/test-storage.js';
import { assertError, assertUnchanged, Carry, failOnUnhandledRejections, hostileEngine, refused, Sink } from './support.js';

failOnUnhandledRejections();

const BAD_CRONS: readonly unknown[] = [
  '', ' ', '\t\n', '*', '* * * *', '* * * * * * *', '60 * * * *', '* 24 * * *', '* * 32 * *', '* * * 13 *', '* * * * 8', '-1 * * * *',
  '*/0 * * * *', '5-1/x * * * *', 'a b c d e', 'H * * * *', '0 H(0-5) * * *', '@reboot', '@never', '@', '0 0 30 2 *', '0 0 31 4 *',
  "'; DROP TABLE recurring_jobs; --", '* * * * *; DROP TABLE jobs', '\u0000', '* * * * *\u0000', '*\u0000 * * * *', 'émoji * * * *', '٠ * * * *',
  '* '.repeat(MAX_CRON_LENGTH), 'x'.repeat(MAX_CRON_LENGTH + 1), '0'.repeat(1_000_000), `${'1,'.repeat(99)}1 * * * *`.repeat(3),
  5, 0, null, undefined, {}, [], ['* * * * *'], () => '* * * * *', Symbol('cron'), 1n, Object.create(null), new String('* * * * *'),
];

for (const kind of STORAGE_KINDS) {
  describe(`cron expressions (${kind})`, () => {
    it('refuses every bad cron through the manager and the dispatcher, changing nothing', async () => {
      const e = await hostileEngine(kind);
      try {
        (await e.engine.recurring.addOrUpdate('existing', new Carry(1), '0 0 * * *'))._unsafeUnwrap();
        await assertUnchanged(e.t, 'bad crons', async () => {
          for (const cron of BAD_CRONS) {
            const what = `cron ${show(cron)}`;
            assertError(await refused(`addOrUpdate ${what}`, () => e.engine.recurring.addOrUpdate('existing', new Carry(2), cron as string)), 'InvalidCron', /Cron expression|cron expression/, what);
            assertError(await refused(`addOrUpdateRecurring ${what}`, () => e.dispatcher.addOrUpdateRecurring('new', Sink, (s) => s.take(1), cron as string)), 'InvalidCron', /Cron expression|cron expression/, what);
          }
        });
      } finally {
        await e.dispose();
      }
    });

    it('property: a random cron string is either stored (normalised) or InvalidCron, never a throw or a hang', async () => {
      const e = await hostileEngine(kind);
      try {
        const field = fc.oneof(
          fc.constantFrom('*', '*/5', '0', '59', '60', '1-5', '5-1', 'MON', 'JAN', 'L', '?', 'H', '#', 'W', '1#2', '0/0', ',', '-', '*/', '99999999999999999999'),
          fc.string({ maxLength: 4 }),
          fc.nat({ max: 100 }).map(String),
        );
        const crons = fc.oneof(
          fc.array(field, { minLength: 0, maxLength: 8 }).chain((fields) => fc.constantFrom(' ', '  ', '\t').map((separator) => fields.join(separator))),
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.constantFrom('@hourly', '@daily', '@weekly', '@monthly', '@yearly', '@annually', '@midnight', '@minutely', '@secondly', '@weekdays', '@weekends'),
        );
        await fc.assert(
          fc.asyncProperty(crons, async (cron) => {
            const before = (await e.engine.monitoring.recurringJobs())._unsafeUnwrap().length;
            let outcome;
            try {
              outcome = await Promise.race([
                e.engine.recurring.addOrUpdate('prop', new Carry(cron), cron),
                new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`cron ${JSON.stringify(cron)}: no answer within 20 s`)), 20_000).unref()),
              ]);
            } catch (error) {
              assert.fail(`cron ${JSON.stringify(cron)} threw: ${String(error)}`);
            }
            if (outcome.isOk()) {
              const stored = (await e.engine.monitoring.recurringJobs())._unsafeUnwrap().find((r) => r.id === 'prop');
              assert.equal(stored?.cron, cron.trim().split(/\s+/).join(' '), 'stored with single spaces');
              assert.ok(stored?.nextExecutionAt instanceof Date, 'it has a next tick');
              (await e.engine.recurring.removeIfExists('prop'))._unsafeUnwrap();
            } else {
              assertError(outcome.error, 'InvalidCron', /Cron expression .* is refused|never fires/s, `cron ${JSON.stringify(cron)}`);
              assert.equal((await e.engine.monitoring.recurringJobs())._unsafeUnwrap().length, before, 'nothing stored');
            }
          }),
          { numRuns: 200, seed: 5_2026 },
        );
      } finally {
        await e.dispose();
      }
    });

    it('a hand-damaged stored cron makes resume an error value and the scheduler log it, while other definitions fire', async () => {
      const e = await hostileEngine(kind);
      try {
        (await e.engine.recurring.addOrUpdate('damaged', new Carry(1), '* * * * *'))._unsafeUnwrap();
        (await e.engine.recurring.addOrUpdate('healthy', new Carry(2), '* * * * * *'))._unsafeUnwrap();
        (await e.engine.recurring.pause('damaged'))._unsafeUnwrap();
        await e.t.sql(`UPDATE ${e.t.storage.schema.quoted}.recurring_jobs SET cron = $1 WHERE id = 'damaged'`, ['\u0001 not a cron']);
        assertError(await refused('resume of a damaged cron', () => e.engine.recurring.resume('damaged')), 'InvalidCron', /Cron expression/, 'resume');
        await e.t.sql(`UPDATE ${e.t.storage.schema.quoted}.recurring_jobs SET paused = false, next_execution_at = now() WHERE id = 'damaged'`);
        await e.startServer();
        const healthyRan = async () => (await e.engine.monitoring.recurringJobs())._unsafeUnwrap().find((r) => r.id === 'healthy')?.lastJobId;
        await eventually(healthyRan, 'the healthy definition to fire', 30_000);
        await eventually(async () => e.logger.errors().find((m) => m.includes('damaged')), 'the scheduler to log the damaged definition', 30_000);
      } finally {
        await e.dispose();
      }
    });
  });
}

function show(value: unknown): string {
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
