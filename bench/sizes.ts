/** How much work each scenario does: the full run, and `--quick` for iterating. */
export interface Sizes {
  readonly rounds: number;
  /** Sequential single enqueues timed (after `warmupJobs`). */
  readonly enqueueSingle: number;
  readonly concurrentCallers: number;
  readonly enqueuesPerCaller: number;
  readonly batchJobs: number;
  readonly batchSize: number;
  /** Jobs pre-enqueued, then drained by one process. */
  readonly processJobs: number;
  /** Jobs run through each subject before anything is timed (JIT, prepared statements, pools). */
  readonly warmupJobs: number;
  readonly latencyJobs: number;
  readonly latencyGapMs: number;
  readonly awaitRoundTrips: number;
  /** Finished jobs put in our tables before the history-growth processing run. */
  readonly finishedHistoryJobs: number;
  /** Longest wait for any one phase before the run is declared failed. */
  readonly deadlineMs: number;
}

export const FULL_SIZES: Sizes = {
  rounds: 3,
  // Long enough that each timed window spans seconds, not fractions of one:
  // with 2,000 single enqueues (under a second for ours) and 32 x 100, a
  // moment of noise on this shared 2-core machine moved one round by a fifth.
  enqueueSingle: 6000,
  concurrentCallers: 32,
  enqueuesPerCaller: 250,
  batchJobs: 20_000,
  batchSize: 1000,
  processJobs: 20_000,
  warmupJobs: 500,
  latencyJobs: 500,
  latencyGapMs: 20,
  awaitRoundTrips: 500,
  finishedHistoryJobs: 1_000_000,
  deadlineMs: 300_000,
};

export const QUICK_SIZES: Sizes = {
  rounds: 1,
  enqueueSingle: 500,
  concurrentCallers: 32,
  enqueuesPerCaller: 20,
  batchJobs: 5000,
  batchSize: 1000,
  processJobs: 5000,
  warmupJobs: 200,
  latencyJobs: 100,
  latencyGapMs: 20,
  awaitRoundTrips: 100,
  finishedHistoryJobs: 100_000,
  deadlineMs: 120_000,
};
