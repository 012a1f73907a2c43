import { err, ok, Result } from 'neverthrow';
import { invalidValue, type ConfigError } from './config-error.js';
import { readDashboardPath } from './dashboard-path.js';
import * as d from './defaults.js';
import type { JobSettingsInput, MediatorJobsOptions } from './options.js';
import { readQueues } from './queues.js';
import { readServerName } from './server-name.js';
import { canonicalizeSettings, SETTINGS_SECTION_NAME, type RawSettings } from './setting-keys.js';
import { describeError } from '../logging/logger.js';
import { isUnset, readDuration, readInteger } from './setting-readers.js';
import { readStorage } from './storage-settings.js';

/**
 * Validates one settings object given in code (keys as in appsettings, any letter case;
 * unknown keys are ignored) and fills in defaults.
 *
 * @returns frozen options (storage and queues frozen too), or the first error in the
 * order of `SETTING_KEYS`: `InvalidValue`, `MissingValue` or `UnsupportedStorage`.
 */
export function resolveOptions(input: JobSettingsInput): Result<MediatorJobsOptions, ConfigError> {
  // Guards callers without type checking; a typed caller cannot get here.
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return err(invalidValue(SETTINGS_SECTION_NAME, input, 'expected an object of settings, e.g. { WorkerCount: 4 }'));
  }
  // A getter that throws (or a Proxy) must give an error value, not an exception.
  return readSettingsObject(input).andThen(resolveSettings);
}

/**
 * The known settings of a settings object given in code, or `InvalidValue`
 * when reading it throws (a throwing getter, a hostile Proxy).
 */
function readSettingsObject(input: object): Result<RawSettings, ConfigError> {
  try {
    return ok(canonicalizeSettings(input));
  } catch (error) {
    return err(invalidValue(SETTINGS_SECTION_NAME, '(unreadable)', `the settings object could not be read: ${describeError(error)}`));
  }
}

/**
 * Validates settings already keyed by canonical name (what `loadConfiguration` merges
 * from files and environment). Same result as {@link resolveOptions}.
 */
export function resolveSettings(raw: RawSettings): Result<MediatorJobsOptions, ConfigError> {
  const server = Result.combine([
    readDuration(raw, 'HeartbeatInterval', d.DEFAULT_HEARTBEAT_INTERVAL_MS, d.MAX_TIMER_DELAY_MS),
    readDuration(raw, 'ServerCheckInterval', d.DEFAULT_SERVER_CHECK_INTERVAL_MS, d.MAX_TIMER_DELAY_MS),
    readDuration(raw, 'ServerTimeout', d.DEFAULT_SERVER_TIMEOUT_MS),
  ]).andThen(([heartbeatIntervalMs, serverCheckIntervalMs, serverTimeoutMs]) =>
    // Otherwise a live server would be declared dead between two of its heartbeats.
    serverTimeoutMs > heartbeatIntervalMs
      ? ok({ heartbeatIntervalMs, serverCheckIntervalMs, serverTimeoutMs })
      : err(
          invalidValue(
            'ServerTimeout',
            isUnset(raw.ServerTimeout) ? `${serverTimeoutMs}ms (default)` : raw.ServerTimeout,
            `must be greater than HeartbeatInterval (${heartbeatIntervalMs}ms), or live servers would be declared dead between heartbeats`,
          ),
        ),
  );
  const workers = Result.combine([
    readInteger(raw, 'WorkerCount', d.DEFAULT_WORKER_COUNT, d.MIN_WORKER_COUNT, d.MAX_WORKER_COUNT),
    readQueues(raw),
    readServerName(raw),
  ]);
  const jobs = Result.combine([
    readDuration(raw, 'QueuePollInterval', d.DEFAULT_QUEUE_POLL_INTERVAL_MS, d.MAX_TIMER_DELAY_MS),
    readDuration(raw, 'InvisibilityTimeout', d.DEFAULT_INVISIBILITY_TIMEOUT_MS),
    readDuration(raw, 'JobExpirationTimeout', d.DEFAULT_JOB_EXPIRATION_TIMEOUT_MS),
    readDuration(raw, 'JobExpirationCheckInterval', d.DEFAULT_JOB_EXPIRATION_CHECK_INTERVAL_MS, d.MAX_TIMER_DELAY_MS),
    readDuration(raw, 'ShutdownTimeout', d.DEFAULT_SHUTDOWN_TIMEOUT_MS, d.MAX_TIMER_DELAY_MS),
    readDashboardPath(raw),
  ]);
  return Result.combine([readStorage(raw), server, workers, jobs]).map(
    ([storage, timing, [workerCount, queues, serverName], [poll, invisibility, expiration, expirationCheck, shutdown, dashboardPath]]) =>
      Object.freeze({
        storage,
        ...timing,
        workerCount,
        queues,
        serverName,
        queuePollIntervalMs: poll,
        invisibilityTimeoutMs: invisibility,
        jobExpirationTimeoutMs: expiration,
        jobExpirationCheckIntervalMs: expirationCheck,
        shutdownTimeoutMs: shutdown,
        dashboardPath,
      }),
  );
}
