/** What the runner asks one child process to measure, and what the child answers. */
import type { Sizes } from './sizes.js';

export const SUBJECT_NAMES = ['mediator-jobs', 'graphile-worker', 'pg-boss', 'mediator-jobs-embedded', 'mediator-jobs-other-engine', 'postgres'] as const;
export type SubjectName = (typeof SUBJECT_NAMES)[number];

export const SCENARIO_NAMES = ['enqueue', 'processing', 'latency', 'enqueue-await', 'processing-history', 'storage-ceiling', 'ceiling'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface ChildTask {
  readonly subject: SubjectName;
  readonly scenario: ScenarioName;
  readonly url: string;
  /** A schema no earlier run used. */
  readonly schema: string;
  readonly sizes: Sizes;
  /** pg-boss drains a backlog with its own `work()` loops instead of fetch-and-complete loops. */
  readonly pgBossWork: boolean;
}

/** Figures by metric key (`enqueue.single`, `latency.p50`...): rates in jobs/s, times in ms or s. */
export type Metrics = Record<string, number>;

export type ChildAnswer = { readonly ok: true; readonly metrics: Metrics } | { readonly ok: false; readonly error: string };
