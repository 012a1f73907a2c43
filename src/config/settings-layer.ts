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

/**
 * Items of a list set by index (`MediatorJobs__Queues__1=normal`), as .NET
 * configuration binds `Queues:1`: merged over the list a lower layer gave,
 * replacing only those indexes, rather than replacing the whole list.
 */
export class IndexedItems {
  constructor(readonly items: ReadonlyMap<number, string>) {}

  /** Whether `below` is something items can be set over: nothing, a list, or a comma-separated string. */
  static canMergeOver(below: unknown): boolean {
    return isUnset(below) || Array.isArray(below) || typeof below === 'string';
  }

  /** The list below with these items set, ordered by index (gaps close up, as .NET binds them). */
  over(below: unknown): string[] {
    const merged = new Map<number, unknown>();
    const list = Array.isArray(below) ? below : typeof below === 'string' ? below.split(',').map((item) => item.trim()) : [];
    list.forEach((item, index) => merged.set(index, item));
    for (const [index, item] of this.items) merged.set(index, item);
    return [...merged.keys()].sort((a, b) => a - b).map((index) => merged.get(index) as string);
  }
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
      // Items set by index over a value that is no list (a file's "Queues": 5): that value stays, with its
      // source, so validation reports it where it was written instead of the items silently replacing it.
      if (value instanceof IndexedItems && !IndexedItems.canMergeOver(raw[key])) continue;
      raw[key] = value instanceof IndexedItems ? value.over(raw[key]) : value;
      sources.set(key, source);
    }
  }
  return { raw, sources };
}
