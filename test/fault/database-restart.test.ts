import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/embedded-postgres-server.js';
import { faultSeed, SHORT_DATABASE_RESTART } from './support/plans.js';
import { runFaultScenario } from './support/scenario.js';
import { formatSummary } from './support/summary.js';

// A PostgreSQL of its own: the server every other test file shares must never restart.
describe('fault suite: PostgreSQL restarts while servers work', () => {
  let database: ThrowawayPostgres;
  before(async () => {
    database = await startThrowawayPostgres();
  });
  after(async () => {
    await database.stop();
  });

  it('servers reconnect on their own (pool and LISTEN), every job finishes, none lost, missed ticks caught up once each', { timeout: 240_000 }, async () => {
    const report = await runFaultScenario({ ...SHORT_DATABASE_RESTART, url: database.url, restartDatabase: (downMs) => database.restart(downMs), seed: faultSeed(), log: (line) => console.log(`# ${line}`) });
    console.log(formatSummary([report]).replace(/^/gm, '# '));
    assert.deepEqual(report.problems, []);
    assert.equal(report.events.filter((event) => event.kind === 'database-restart').length, 1);
  });
});
