import { canonicalSettingKey, type RawSettings, type SettingKey } from './setting-keys.js';
import { isUnset } from './setting-readers.js';

/** A setting value and where it came from, for error messages. */
export interface SourcedValue {
  readonly value: unknown;
  /** e.g. `/app/appsettings.json (MediatorJobs:WorkerCount)` or `environment variable MediatorJobs__WorkerCount`. */
  readonly source: string;
}

/** The settings one configuration source provides, by canonical key. */
export type SettingsLayer = ReadonlyMap<SettingKey, SourcedValue>;

/**
 * Turns a plain settings object (a file section, or overrides given in code) into a
 * layer: keys matched in any letter case, unknown keys and `null`/absent values skipped
 * (they leave the lower layers' value in place).
 *
 * @param describeSource - names the origin of the entry written as `name`.
 */
export function layerFromObject(settings: object, describeSource: (name: string) => string): Map<SettingKey, SourcedValue> {
  const layer = new Map<SettingKey, SourcedValue>();
  for (const [name, value] of Object.entries(settings)) {
    const key = canonicalSettingKey(name);
    if (key !== undefined && !isUnset(value)) layer.set(key, { value, source: describeSource(name) });
  }
  return layer;
}

/** Settings merged from several layers, and the source of each value. */
export interface MergedSettings {
  readonly raw: RawSettings;
  readonly sources: ReadonlyMap<string, string>;
}

/** Merges layers key by key; a later layer's value replaces an earlier one's. */
export function mergeLayers(layers: readonly SettingsLayer[]): MergedSettings {
  const raw: { [K in SettingKey]?: unknown } = {};
  const sources = new Map<string, string>();
  for (const layer of layers) {
    for (const [key, { value, source }] of layer) {
      raw[key] = value;
      sources.set(key, source);
    }
  }
  return { raw, sources };
}
