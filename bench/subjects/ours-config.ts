/**
 * Our configuration for every benchmark row, in one place so it can be tuned.
 * Settings use the same names and formats as appsettings.json.
 */
import type { JobSettingsInput } from '../../src/index.js';

/** Server settings for the PostgreSQL runs (processing, start latency, enqueueAwait). */
export const OUR_SETTINGS: JobSettingsInput = {
  WorkerCount: 100,
  // The backstop only: new jobs wake the server through LISTEN/NOTIFY.
  QueuePollInterval: '1s',
};

/**
 * Server settings on the embedded database (one connection in this process).
 * The same WorkerCount as on PostgreSQL: for no-op jobs it sets how many jobs
 * one fetch claims, and PGlite pays mostly per statement (probe, 10,000 jobs:
 * 1,611 jobs/s with 20 workers, 3,181 with 100, 4,461 with 200).
 */
export const OUR_EMBEDDED_SETTINGS: JobSettingsInput = {
  WorkerCount: 100,
  QueuePollInterval: '1s',
};

/** Size of the pg pool we hand to storage (client calls and the server share it). */
export const OUR_POOL_SIZE = 40;
