import { canonicalSettingKey, LEGACY_SETTINGS_SECTION_NAME, SETTINGS_SECTION_NAME, type SettingKey } from './setting-keys.js';
import { IndexedItems, type SettingsLayer, type SourcedValue } from './settings-layer.js';

// "__" is .NET's portable separator; ":" is what .NET uses inside (also accepted there).
const SEPARATOR = /__|:/;

interface PrefixSettings {
  readonly scalars: Map<SettingKey, SourcedValue>;
  readonly queueItems: Map<number, string>; // Queues__<index> entries, by index
}

function newPrefixSettings(): PrefixSettings {
  return { scalars: new Map(), queueItems: new Map() };
}

// Copies one prefix's settings into the layer; indexed Queues beat a comma-separated one.
function addTo(layer: Map<SettingKey, SourcedValue>, prefix: string, settings: PrefixSettings): void {
  for (const [key, value] of settings.scalars) layer.set(key, value);
  if (settings.queueItems.size === 0) return;
  const indexes = [...settings.queueItems.keys()].sort((a, b) => a - b);
  // Set by index over the lower layers' list, as .NET binds Queues:<index>.
  layer.set('Queues', {
    value: new IndexedItems(settings.queueItems),
    source: `environment variables ${prefix}__Queues__{${indexes.join(',')}}`,
  });
}

/**
 * Reads settings from environment variables named `MediatorJobs__<Key>` (or the .NET
 * library's `HangFireOptions__<Key>`; `MediatorJobs__` wins key by key), with `:` also
 * accepted as separator and names matched in any letter case. Values stay strings;
 * validation parses them. `Queues` may be comma-separated (`MediatorJobs__Queues=a,b`)
 * or indexed like .NET arrays (`MediatorJobs__Queues__0=a`, `..__1=b`, ordered by
 * index); indexed entries win over a comma-separated value, and replace only their
 * indexes of the list a settings file gives (`Queues__1=normal` over
 * `["critical", "default", "low"]` is `["critical", "normal", "low"]`, as in .NET).
 *
 * @remarks Empty values are skipped: container tooling often defines unset variables as
 * empty. Unknown keys and nested names other than `Queues__<n>` are ignored.
 */
export function environmentLayer(env: Readonly<Record<string, string | undefined>>): SettingsLayer {
  const legacy = newPrefixSettings();
  const primary = newPrefixSettings();
  // Sorted, so two spellings of one variable resolve the same way on every run.
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const [prefix = '', key = '', ...rest] = name.split(SEPARATOR);
    const target =
      prefix.toLowerCase() === SETTINGS_SECTION_NAME.toLowerCase()
        ? primary
        : prefix.toLowerCase() === LEGACY_SETTINGS_SECTION_NAME.toLowerCase()
          ? legacy
          : undefined;
    const settingKey = canonicalSettingKey(key);
    if (target === undefined || settingKey === undefined) continue;
    const [index, ...deeper] = rest;
    if (index === undefined) {
      target.scalars.set(settingKey, { value, source: `environment variable ${name}` });
    } else if (settingKey === 'Queues' && deeper.length === 0 && /^\d+$/.test(index)) {
      target.queueItems.set(Number(index), value);
    }
  }
  const layer = new Map<SettingKey, SourcedValue>();
  addTo(layer, LEGACY_SETTINGS_SECTION_NAME, legacy);
  addTo(layer, SETTINGS_SECTION_NAME, primary);
  return layer;
}
