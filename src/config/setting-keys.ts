/**
 * The setting names mediator-jobs understands, spelled as in a .NET appsettings file.
 *
 * @remarks The order is the order in which settings are validated, so the first error
 * reported for a configuration is always the same one.
 */
export const SETTING_KEYS = [
  'StorageTypeName',
  'StorageConnectionString',
  'EmbeddedDataDirectory',
  'SchemaName',
  'PrepareSchemaIfNecessary',
  'HeartbeatInterval',
  'ServerCheckInterval',
  'ServerTimeout',
  'WorkerCount',
  'Queues',
  'ServerName',
  'QueuePollInterval',
  'InvisibilityTimeout',
  'JobExpirationTimeout',
  'JobExpirationCheckInterval',
  'ShutdownTimeout',
  'DashboardPath',
] as const;

/** One of {@link SETTING_KEYS}. */
export type SettingKey = (typeof SETTING_KEYS)[number];

/**
 * Settings of unknown shape, keyed by canonical setting name; what a settings file or
 * environment variables hold before validation.
 */
export type RawSettings = { readonly [K in SettingKey]?: unknown };

/** Name of the configuration section (in files) and prefix (in environment variables). */
export const SETTINGS_SECTION_NAME = 'MediatorJobs';

/**
 * Section name used by the .NET library this package replaces. Accepted so an existing
 * appsettings.json keeps working; {@link SETTINGS_SECTION_NAME} wins key by key.
 */
export const LEGACY_SETTINGS_SECTION_NAME = 'HangFireOptions';

// Lower-cased lookup table: .NET configuration keys are case-insensitive, so are ours.
const KEY_BY_LOWER_NAME: ReadonlyMap<string, SettingKey> = new Map(
  SETTING_KEYS.map((key) => [key.toLowerCase(), key]),
);

/**
 * Maps a setting name in any letter case to its canonical spelling.
 *
 * @param name - e.g. `"workercount"` or `"WORKERCOUNT"`.
 * @returns the canonical key (e.g. `"WorkerCount"`), or `undefined` for a name this
 * version does not know (callers ignore those, for forward compatibility).
 */
export function canonicalSettingKey(name: string): SettingKey | undefined {
  return KEY_BY_LOWER_NAME.get(name.toLowerCase());
}

/**
 * Copies the known settings of a plain object into canonical spelling, ignoring unknown
 * names. When two spellings of one key are present, the later one wins, as in .NET.
 */
export function canonicalizeSettings(input: object): RawSettings {
  const out: { [K in SettingKey]?: unknown } = {};
  for (const [name, value] of Object.entries(input)) {
    const key = canonicalSettingKey(name);
    if (key !== undefined) out[key] = value;
  }
  return out;
}
