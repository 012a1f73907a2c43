import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testDatabaseUrl } from '../support/test-storage.js';
import { faultSeed, SHORT_HANDLERS } from './support/plans.js';
import { runFaultScenario } from './support/scenario.js';
import { formatSummary } from './support/summary.js';

describe('fault suite: hostile handlers', () => {
  it('a handler past its lease, one blocking its server, one exiting it, non-Error throws and an Err: each ends as it should, the other jobs keep flowing', { timeout: 240_000 }, async () => {
    const report = await runFaultScenario({ ...SHORT_HANDLERS, url: await testDatabaseUrl(), seed: faultSeed(), log: (line) => console.log(`# ${line}`) });
    console.log(formatSummary([report]).replace(/^/gm, '# '));
    // The verdict checks each hostile job's final state, reason and runs (see outcomeProblem).
    assert.deepEqual(report.problems, []);
    assert.equal(report.events.filter((event) => event.kind === 'exit').length, 1, 'the exit job ended its server once');
    assert.ok((report.verdict.doubleRunsByCause['event loop blocked'] ?? 0) >= 1, 'the blocked job was taken over');
  });
});
