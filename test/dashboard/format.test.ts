/** How the dashboard shows decoded values: what JSON cannot hold is named, never thrown. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prettyJson } from '../../src/dashboard/format.js';
import { jobSignal } from '../../src/jobs/job-signal.js';

describe('prettyJson', () => {
  it('shows bigints with their n, a method call\'s jobSignal by name, and a cycle as a sentence', () => {
    assert.equal(prettyJson([7n, jobSignal]), '[\n  "7n",\n  "(jobSignal)"\n]');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.equal(prettyJson(cycle), '(a value that cannot be shown as JSON)');
  });
});
