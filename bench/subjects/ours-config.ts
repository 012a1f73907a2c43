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

/** Server settings on the embedded database (one connection in this process). */
export const OUR_EMBEDDED_SETTINGS: JobSettingsInput = {
  WorkerCount: 20,
  QueuePollInterval: '1s',
};

/** Size of the pg pool we hand to storage (client calls and the server share it). */
export const OUR_POOL_SIZE = 40;
