import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testDatabaseUrl } from '../support/test-storage.js';
import { faultSeed, SHORT_CLUSTER } from './support/plans.js';
import { runFaultScenario } from './support/scenario.js';
import { formatSummary } from './support/summary.js';

describe('fault suite: server processes on PostgreSQL', () => {
  it('a server SIGKILLed mid-run and connections terminated from the database side: nothing lost, every double run explained, ticks exactly once', { timeout: 240_000 }, async () => {
    const report = await runFaultScenario({ ...SHORT_CLUSTER, url: await testDatabaseUrl(), seed: faultSeed(), log: (line) => console.log(`# ${line}`) });
    console.log(formatSummary([report]).replace(/^/gm, '# '));
    assert.deepEqual(report.problems, []);
    assert.equal(report.verdict.lost.length, 0);
    assert.equal(report.events.filter((event) => event.kind === 'kill').length, 1);
    assert.equal(report.events.filter((event) => event.kind === 'terminate').length, 2, 'one round mid-run, one on the idle cluster');
  });
});
