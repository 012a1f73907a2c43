import { err, type Result } from 'neverthrow';
import { invalidValue, type ConfigError } from './config-error.js';
import type { MediatorJobsOptions } from './options.js';
import { resolveSettings } from './resolve-options.js';

/** Every field of the resolved options: anything else given to a server is a misspelling. */
const OPTION_KEYS: readonly (keyof MediatorJobsOptions)[] = [
  'storage', 'heartbeatIntervalMs', 'serverCheckIntervalMs', 'serverTimeoutMs', 'workerCount', 'queues', 'serverName',
  'queuePollIntervalMs', 'invisibilityTimeoutMs', 'jobExpirationTimeoutMs', 'jobExpirationCheckIntervalMs', 'shutdownTimeoutMs', 'dashboardPath',
];

/** The durations a server uses, by the appsettings key whose rules they follow. */
const DURATIONS = {
  heartbeatIntervalMs: 'HeartbeatInterval',
  serverCheckIntervalMs: 'ServerCheckInterval',
  serverTimeoutMs: 'ServerTimeout',
  queuePollIntervalMs: 'QueuePollInterval',
  invisibilityTimeoutMs: 'InvisibilityTimeout',
  jobExpirationTimeoutMs: 'JobExpirationTimeout',
  jobExpirationCheckIntervalMs: 'JobExpirationCheckInterval',
  shutdownTimeoutMs: 'ShutdownTimeout',
} as const satisfies Partial<Record<keyof MediatorJobsOptions, string>>;

/**
 * Checks the options a server runs with, as code gives them to
 * `createServer` or `registerProcessorAsServer` (camelCase, durations in ms),
 * by the same rules as the settings they stand for: `resolveOptions` made the
 * engine's options, but per-server overrides are spread over them unchecked,
 * and a heartbeat of -1 ms or 0 workers would make a server that spins or
 * does nothing. Unknown keys (`WorkerCount` spelled as in appsettings) are
 * refused rather than ignored.
 *
 * @returns the options, or an `InvalidValue` error naming the option.
 */
export function checkServerOptions(options: MediatorJobsOptions): Result<MediatorJobsOptions, ConfigError> {
  for (const key of Object.keys(options)) {
    if (!(OPTION_KEYS as readonly string[]).includes(key)) {
      return err(invalidValue(key, (options as unknown as Record<string, unknown>)[key], `not an option of a server; the options are ${OPTION_KEYS.join(', ')}`));
    }
  }
  // A settings file may list queues as one comma-separated string, but a server runs with the list itself: `queues: 'critical'` would reach the database.
  if (!Array.isArray(options.queues)) return err(invalidValue('queues', options.queues, 'expected a list of queue names, e.g. ["critical", "default"]'));
  const settings: Record<string, unknown> = { WorkerCount: options.workerCount, Queues: options.queues, ServerName: options.serverName };
  for (const [option, key] of Object.entries(DURATIONS) as [keyof typeof DURATIONS, string][]) {
    const ms: unknown = options[option];
    if (typeof ms !== 'number') return err(invalidValue(option, ms, 'expected a number of milliseconds'));
    settings[key] = `${ms}ms`;
  }
  return resolveSettings(settings)
    .mapErr((error) => (error.kind === 'InvalidValue' ? { ...error, key: optionNamed(error.key), message: `${optionNamed(error.key)}: ${error.message}` } : error))
    .map(() => options);
}

/** The option a settings key stands for, for messages: `workerCount` for `WorkerCount`. */
function optionNamed(key: string): string {
  const duration = Object.entries(DURATIONS).find(([, settingKey]) => settingKey === key);
  return duration !== undefined ? duration[0] : key.charAt(0).toLowerCase() + key.slice(1);
}
