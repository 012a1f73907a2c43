// Default values and limits of every setting. Durations are in milliseconds.

/** Schema that holds the job tables when `SchemaName` is not set. */
export const DEFAULT_SCHEMA_NAME = 'mediator_jobs';

/** Whether the storage creates or migrates its schema at start-up when not told otherwise. */
export const DEFAULT_PREPARE_SCHEMA_IF_NECESSARY = true;

/** How often a server reports that it is alive: 30 000 ms (30 s). */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 30_000;

/** How often a server looks for dead servers: 60 000 ms (1 min). */
export const DEFAULT_SERVER_CHECK_INTERVAL_MS = 60_000;

/** How long without a heartbeat before a server counts as dead: 300 000 ms (5 min). */
export const DEFAULT_SERVER_TIMEOUT_MS = 300_000;

/** Number of jobs one server runs at the same time. */
export const DEFAULT_WORKER_COUNT = 10;

/** Queues a server listens to when none are configured. */
export const DEFAULT_QUEUES: readonly string[] = Object.freeze(['default']);

/** How often an idle worker asks storage for a job: 5 000 ms (5 s). */
export const DEFAULT_QUEUE_POLL_INTERVAL_MS = 5_000;

/** How long a fetched job stays hidden from other workers before it is retried: 300 000 ms (5 min). */
export const DEFAULT_INVISIBILITY_TIMEOUT_MS = 300_000;

/** How long a finished job is kept before it is deleted: 86 400 000 ms (1 day). */
export const DEFAULT_JOB_EXPIRATION_TIMEOUT_MS = 86_400_000;

/** How often expired jobs are deleted: 3 600 000 ms (1 h). */
export const DEFAULT_JOB_EXPIRATION_CHECK_INTERVAL_MS = 3_600_000;

/** How long a stopping server waits for running jobs: 15 000 ms (15 s). */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 15_000;

/** URL path the dashboard is served under. */
export const DEFAULT_DASHBOARD_PATH = '/jobs';

/** Smallest accepted `WorkerCount`. */
export const MIN_WORKER_COUNT = 1;

/** Largest accepted `WorkerCount`; more would only exhaust database connections. */
export const MAX_WORKER_COUNT = 1000;

/** PostgreSQL truncates identifiers longer than this many bytes (NAMEDATALEN - 1). */
export const MAX_SCHEMA_NAME_BYTES = 63;

/** Longest accepted queue name, in characters. */
export const MAX_QUEUE_NAME_LENGTH = 64;

/** Longest accepted `ServerName`, in characters. */
export const MAX_SERVER_NAME_LENGTH = 200;

/**
 * Longest delay Node's timers honour: 2 147 483 647 ms (about 24.8 days). Longer ones
 * fire after 1 ms instead, so intervals that drive a timer are capped at this.
 */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;
