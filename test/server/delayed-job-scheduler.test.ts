/**
 * The delayed-job scheduler's sleep: due-ness is the database's clock, whatever the local one says.
 * PostgreSQL only: PGlite runs in this process and reads its clock, so it cannot be skewed from it.
 */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { DEFAULT_SCHEDULE_POLL_INTERVAL_MS, DelayedJobScheduler } from '../../src/server/delayed-job-scheduler.js';
import { StateMachine } from '../../src/states/state-machine.js';
import { Ping, withRecurring } from '../recurring/support.js';

/** How far ahead of the database's clock this process's clock runs in the test. */
const LOCAL_CLOCK_AHEAD_MS = 5_000;

describe('delayed job scheduler (PostgreSql)', () => {
  it('with the local clock ahead of the database, sleeps until the job is due instead of spinning', () =>
    withRecurring('PostgreSql', async (h) => {
      const [row] = await h.t.sql<{ due: Date }>(`SELECT now() + interval '3 seconds' AS due`);
      const jobId = (await h.deployment.client.schedule(new Ping('later'), row!.due))._unsafeUnwrap();
      const scheduler = new DelayedJobScheduler(h.t.storage, new StateMachine(h.t.storage, h.deployment.filters, h.logger), h.logger);
      mock.timers.enable({ apis: ['Date'], now: Date.now() + LOCAL_CLOCK_AHEAD_MS });
      let delay: number;
      try {
        delay = (await scheduler.runOnce())._unsafeUnwrap();
      } finally {
        mock.timers.reset();
      }
      assert.equal((await h.t.storage.jobDetails(jobId))._unsafeUnwrap()?.state, 'Scheduled', 'the job is not due yet by the database clock');
      // 0 would run the next round at once, and the next, until the database's clock reached the job: a busy loop.
      assert.equal(delay, DEFAULT_SCHEDULE_POLL_INTERVAL_MS, 'the job is 3 s away by the database clock: sleep the whole poll interval');
    }));
});
