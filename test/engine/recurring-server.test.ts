import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Request } from '../../src/mediator/index.js';
import { STORAGE_KINDS, eventually } from '../support/test-storage.js';
import { testEngine } from './support.js';

class Tick extends Request<string> {
  constructor(readonly source: string) {
    super();
  }
}

for (const kind of STORAGE_KINDS) {
  describe(`recurring jobs on running servers (${kind})`, () => {
    it('two servers run an every-second recurring job once per tick; pause stops it', async () => {
      const ran: string[] = [];
      const e = await testEngine(kind, (registry) => {
        registry.addHandler(Tick, { handle: (t: Tick) => (ran.push(t.source), 'tock') })._unsafeUnwrap();
      }, {}, { retry: false });
      try {
        (await e.engine.recurring.addOrUpdate('heartbeat-report', new Tick('cron'), '* * * * * *'))._unsafeUnwrap();
        await e.startServer({ ServerName: 'one' });
        await e.startServer({ ServerName: 'two' });
        await eventually(async () => (ran.length >= 3 ? true : undefined), 'three ticks', 15_000);
        (await e.engine.recurring.pause('heartbeat-report'))._unsafeUnwrap();
        const ticks = await e.t.sql<{ tick: string; runs: number }>(
          `SELECT p.value AS tick, count(*)::int AS runs FROM ${e.t.storage.schema.quoted}.job_parameters p WHERE p.name = 'RecurringTick' GROUP BY 1`,
        );
        assert.ok(ticks.length >= 3);
        assert.deepEqual(ticks.filter((t) => t.runs !== 1), [], 'no tick fired twice');
        const definition = (await e.t.storage.getRecurring('heartbeat-report'))._unsafeUnwrap()!;
        assert.equal(definition.paused, true);
        assert.ok(definition.lastJobId !== undefined && definition.lastExecutionAt !== undefined, 'last run recorded');
        const last = (await e.engine.monitoring.jobDetails(definition.lastJobId))._unsafeUnwrap();
        assert.equal(last.recurringId, 'heartbeat-report');
      } finally {
        await e.dispose();
      }
    });
  });
}
