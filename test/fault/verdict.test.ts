import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FaultEvent } from './support/fault-events.js';
import type { RunRow } from './support/run-log.js';
import { judge, problemsOf, type ExpectedJob, type JobRow } from './support/verdict.js';

// The checks of the fault suite must be able to fail: each case feeds the verdict evidence of one failure.
const T0 = Date.parse('2030-01-01T00:00:00Z');

function run(key: string, instance: string, startedAt: number, finishedAt?: number, attempt = 1): RunRow {
  return { runId: `${key}-${instance}-${startedAt}`, key, jobId: key.replace(/\D/g, '') || '1', attempt, instance, startedAt: T0 + startedAt, finishedAt: finishedAt === undefined ? undefined : T0 + finishedAt };
}

function job(jobId: string, state = 'Succeeded', extra: Partial<JobRow> = {}): JobRow {
  return { jobId, state, recurringId: null, tick: null, lastReason: 'Completed', lastErrorType: null, reasons: ['Completed'], ...extra };
}

const work = (n: number): ExpectedJob => ({ key: `w${n}`, jobId: String(n), kind: 'work', ms: 0 });

describe('fault verdict', () => {
  it('passes a clean run', () => {
    const verdict = judge([work(1)], [job('1')], [run('w1', 'a', 0, 10)], [], 'tick');
    assert.deepEqual(problemsOf(verdict), []);
  });

  it('a job whose only run never finished is lost, even if the engine says Succeeded', () => {
    const verdict = judge([work(1)], [job('1')], [run('w1', 'a', 0)], [], 'tick');
    assert.equal(verdict.lost.length, 1);
  });

  it('a job still Processing is not final', () => {
    const verdict = judge([work(1)], [job('1', 'Processing')], [run('w1', 'a', 0, 10)], [], 'tick');
    assert.deepEqual(verdict.notFinal, ['job 1: Processing']);
  });

  it('a second run with no fault in between is unexplained; a kill of the first run\'s server explains it and measures the recovery', () => {
    const runs = [run('w1', 'a', 0), run('w1', 'b', 2_500, 2_600)];
    assert.equal(judge([work(1)], [job('1')], runs, [], 'tick').unexplained.length, 1);
    const killOfOther: FaultEvent = { kind: 'kill', instance: 'b', at: T0 + 100 };
    assert.equal(judge([work(1)], [job('1')], runs, [killOfOther], 'tick').unexplained.length, 1, 'killing another server explains nothing');
    const kill: FaultEvent = { kind: 'kill', instance: 'a', at: T0 + 100 };
    const verdict = judge([work(1)], [job('1')], runs, [kill], 'tick');
    assert.deepEqual(verdict.unexplained, []);
    assert.deepEqual(verdict.doubleRunsByCause, { 'server killed': 1 });
    assert.deepEqual(verdict.recoveries, [{ instance: 'a', jobs: 1, ms: 2_400 }]);
  });

  it('a retry is a new attempt, not a double run', () => {
    const failing: ExpectedJob = { key: 'return-err', jobId: '7', kind: 'return-err' };
    const row = job('7', 'Failed', { lastReason: 'Retry attempts exhausted (1): refused on purpose', lastErrorType: 'FaultRefused' });
    const verdict = judge([failing], [row], [run('return-err', 'a', 0, 5, 1), run('return-err', 'b', 500, 505, 2)], [], 'tick');
    assert.deepEqual(problemsOf(verdict), []);
    assert.equal(verdict.doubleRuns, 0);
  });

  it('a failing job recorded with the wrong error type or reason is reported', () => {
    const failing: ExpectedJob = { key: 'throw-symbol', jobId: '8', kind: 'throw-symbol' };
    const runs = [run('throw-symbol', 'a', 0, 5, 1), run('throw-symbol', 'a', 500, 505, 2)];
    const row = job('8', 'Failed', { lastReason: 'Retry attempts exhausted (1): something else', lastErrorType: 'Error' });
    assert.equal(judge([failing], [row], runs, [], 'tick').wrongOutcome.length, 1);
  });

  it('a missing and a doubled recurring tick are both found', () => {
    const tickJob = (id: string, second: number) => job(id, 'Succeeded', { recurringId: 'tick', tick: new Date(T0 + second * 1000).toISOString() });
    const jobs = [tickJob('1', 0), tickJob('2', 1), tickJob('3', 3), tickJob('4', 3)];
    const runs = jobs.map((j) => run(`tick:${j.jobId}`, 'a', 0, 1));
    const verdict = judge([], jobs, runs, [], 'tick');
    assert.deepEqual(verdict.ticks.missing, [new Date(T0 + 2000).toISOString()]);
    assert.deepEqual(verdict.ticks.duplicated, [new Date(T0 + 3000).toISOString()]);
  });

  it('a handler past its lease that ran again while its server lived is reported', () => {
    const hang: ExpectedJob = { key: 'hang', jobId: '9', kind: 'hang', ms: 7_000 };
    const runs = [run('hang', 'a', 0, 7_000), run('hang', 'b', 3_500, 10_500)];
    const verdict = judge([hang], [job('9')], runs, [{ kind: 'terminate', at: T0 + 100, backends: 3, listeners: 1 }], 'tick');
    assert.equal(verdict.wrongOutcome.length, 1, verdict.wrongOutcome.join('\n'));
  });
});
