import * as d from './defaults.js';
import type { MediatorJobsOptions } from './options.js';

const DEFAULT_OPTIONS: MediatorJobsOptions = Object.freeze({
  storage: Object.freeze({
    type: 'Embedded',
    connectionString: undefined,
    embeddedDataDirectory: undefined,
    schemaName: d.DEFAULT_SCHEMA_NAME,
    prepareSchemaIfNecessary: d.DEFAULT_PREPARE_SCHEMA_IF_NECESSARY,
  }),
  heartbeatIntervalMs: d.DEFAULT_HEARTBEAT_INTERVAL_MS,
  serverCheckIntervalMs: d.DEFAULT_SERVER_CHECK_INTERVAL_MS,
  serverTimeoutMs: d.DEFAULT_SERVER_TIMEOUT_MS,
  workerCount: d.DEFAULT_WORKER_COUNT,
  queues: d.DEFAULT_QUEUES,
  serverName: undefined,
  queuePollIntervalMs: d.DEFAULT_QUEUE_POLL_INTERVAL_MS,
  invisibilityTimeoutMs: d.DEFAULT_INVISIBILITY_TIMEOUT_MS,
  jobExpirationTimeoutMs: d.DEFAULT_JOB_EXPIRATION_TIMEOUT_MS,
  jobExpirationCheckIntervalMs: d.DEFAULT_JOB_EXPIRATION_CHECK_INTERVAL_MS,
  shutdownTimeoutMs: d.DEFAULT_SHUTDOWN_TIMEOUT_MS,
  dashboardPath: d.DEFAULT_DASHBOARD_PATH,
});

/**
 * The options used when nothing is configured: in-memory embedded storage, 10 workers
 * on queue "default", and the defaults in `defaults.ts`. Equal to `resolveOptions({})`,
 * built directly so it cannot fail. Frozen; the same object on every call.
 */
export function defaultOptions(): MediatorJobsOptions {
  return DEFAULT_OPTIONS;
}
