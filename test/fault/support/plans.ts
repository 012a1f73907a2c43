/**
 * The plans of the fault suite: the short runs of `npm test` and the long
 * run of `npm run test:chaos` share one scenario and differ only here.
 */
import type { JobSettingsInput } from '../../../src/config/index.js';
import type { FaultPlan } from './scenario.js';

/**
 * Short heartbeats and ServerTimeout so a killed server's jobs come back in
 * about two seconds, well before the lease (InvisibilityTimeout) would run
 * out; a long QueuePollInterval so that only notifications keep work moving.
 */
export const CLUSTER_SETTINGS: JobSettingsInput = {
  WorkerCount: 6,
  HeartbeatInterval: '250ms',
  ServerCheckInterval: '250ms',
  ServerTimeout: '2s',
  InvisibilityTimeout: '10s',
  QueuePollInterval: '30s',
  ShutdownTimeout: '1s',
  JobExpirationCheckInterval: '1h',
};

/**
 * The short runs of `npm test` share a machine with another test file: a
 * longer ServerTimeout, so a living server whose heartbeats a loaded machine
 * holds back for a couple of seconds is not declared dead (its jobs would
 * run twice, with no fault to explain it). Still well below the lease.
 */
export const SHORT_CLUSTER_SETTINGS: JobSettingsInput = { ...CLUSTER_SETTINGS, ServerTimeout: '4s' };

/**
 * For the hostile handlers: a short lease and a ServerTimeout longer than any
 * stall, so a blocked server's jobs are taken over because their lease ran
 * out (not because the server was declared dead).
 */
export const HANDLER_SETTINGS: JobSettingsInput = {
  WorkerCount: 4,
  HeartbeatInterval: '500ms',
  ServerCheckInterval: '1s',
  ServerTimeout: '30s',
  InvisibilityTimeout: '3s',
  QueuePollInterval: '1s',
  ShutdownTimeout: '1s',
  JobExpirationCheckInterval: '1h',
};

/** FAULT_SEED repeats a run's random choices; otherwise each run draws its own. */
export function faultSeed(): number {
  const fixed = Number(process.env.FAULT_SEED);
  return Number.isInteger(fixed) ? fixed : Math.floor(Math.random() * 2 ** 31);
}

type PlanBase = Omit<FaultPlan, 'url' | 'seed' | 'restartDatabase' | 'log'>;

/** npm test: three servers, one kill, one round of terminations (plus the idle probe), recurring ticks. */
export const SHORT_CLUSTER: PlanBase = {
  name: 'short: kill + terminate', servers: 3, jobs: 1500, maxWorkMs: 10, kills: 1, terminations: 1, databaseRestarts: 0, databaseDownMs: 0,
  handlerCases: false, stallMs: 0, recurring: true, settings: SHORT_CLUSTER_SETTINGS, deadlineMs: 150_000,
};

/** npm test, on a PostgreSQL of its own: the database restarts while the servers work. */
export const SHORT_DATABASE_RESTART: PlanBase = {
  name: 'short: database restart', servers: 3, jobs: 1000, maxWorkMs: 10, kills: 0, terminations: 0, databaseRestarts: 1,
  // Down for longer than ServerTimeout: once it is back every heartbeat is stale, yet no living server may be declared dead.
  databaseDownMs: 5_000,
  handlerCases: false, stallMs: 0, recurring: true, settings: SHORT_CLUSTER_SETTINGS, deadlineMs: 150_000,
};

/** npm test: each hostile handler, with ordinary jobs flowing around them. */
export const SHORT_HANDLERS: PlanBase = {
  name: 'short: hostile handlers', servers: 2, jobs: 300, maxWorkMs: 20, kills: 0, terminations: 0, databaseRestarts: 0, databaseDownMs: 0,
  handlerCases: true, stallMs: 7_000, recurring: false, settings: HANDLER_SETTINGS, deadlineMs: 150_000,
};

/** npm run test:chaos: everything at once, at full size. */
export const CHAOS: PlanBase = {
  name: 'chaos', servers: 3, jobs: 10_000, maxWorkMs: 20, kills: 2, terminations: 2, databaseRestarts: 1,
  // Down for longer than ServerTimeout: once it is back, every server's heartbeat looks stale (see docs/RELIABILITY.md).
  databaseDownMs: 3_000,
  handlerCases: true, stallMs: 12_000, recurring: true, settings: CLUSTER_SETTINGS, deadlineMs: 900_000,
};
