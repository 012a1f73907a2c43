// Public API of the configuration module: explicit named exports only.
export type { ConfigError } from './config-error.js';
export { formatConfigError } from './config-error.js';
export {
  DEFAULT_DASHBOARD_PATH,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_INVISIBILITY_TIMEOUT_MS,
  DEFAULT_JOB_EXPIRATION_CHECK_INTERVAL_MS,
  DEFAULT_JOB_EXPIRATION_TIMEOUT_MS,
  DEFAULT_PREPARE_SCHEMA_IF_NECESSARY,
  DEFAULT_QUEUE_POLL_INTERVAL_MS,
  DEFAULT_QUEUES,
  DEFAULT_SCHEMA_NAME,
  DEFAULT_SERVER_CHECK_INTERVAL_MS,
  DEFAULT_SERVER_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_WORKER_COUNT,
  MAX_QUEUE_NAME_LENGTH,
  MAX_SCHEMA_NAME_BYTES,
  MAX_SERVER_NAME_LENGTH,
  MAX_TIMER_DELAY_MS,
  MAX_WORKER_COUNT,
  MIN_WORKER_COUNT,
} from './defaults.js';
export { defaultOptions } from './default-options.js';
export { ACCEPTED_DURATION_FORMATS, parseDuration } from './duration.js';
export type { LoadConfigurationOptions } from './load-configuration.js';
export { loadConfiguration, SETTINGS_FILE_NAME } from './load-configuration.js';
export type { JobSettingsInput, MediatorJobsOptions, StorageOptions, StorageType } from './options.js';
export { resolveOptions } from './resolve-options.js';
export { validateSchemaName } from './schema-name.js';
export type { SettingKey } from './setting-keys.js';
export { LEGACY_SETTINGS_SECTION_NAME, SETTING_KEYS, SETTINGS_SECTION_NAME } from './setting-keys.js';
