import { err, ok, Result } from 'neverthrow';
import { invalidFile, type ConfigError } from './config-error.js';
import { blankJsonExtensions } from './json-comments.js';
import { LEGACY_SETTINGS_SECTION_NAME, SETTINGS_SECTION_NAME, type SettingKey } from './setting-keys.js';
import { layerFromObject, type SettingsLayer, type SourcedValue } from './settings-layer.js';

const parseJson = Result.fromThrowable((text: string): unknown => JSON.parse(text), (cause) => cause);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * Words of a JSON.parse error, with the line and column when V8 gives a position. V8
 * may quote a piece of the file, which can hold a password, so that piece is dropped.
 */
export function describeJsonError(cause: unknown, text: string): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  // V8 quotes the piece as "...piece..." or ..."piece"...: both forms are dropped.
  const words = message.replace(/,\s*(?:\.\.\.)?".*is not valid JSON$/s, ' (not valid JSON)');
  const position = /at position (\d+)/.exec(words);
  if (!position || /\(line \d+/.test(words)) return words;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${words} (line ${line}, column ${column})`;
}

/**
 * Parses the text of an appsettings file into the settings of its `MediatorJobs` and
 * `HangFireOptions` sections (names matched in any letter case; `MediatorJobs` wins key
 * by key). Comments and trailing commas are allowed, as in .NET; so is a UTF-8 BOM.
 *
 * @param file - path of the file, for messages and value sources.
 * @returns the settings found (possibly none), or `InvalidFile` for malformed JSON, a
 * top level that is not an object, or a section that is not an object.
 */
export function parseSettingsJson(file: string, text: string): Result<SettingsLayer, ConfigError> {
  const json = text.replace(/^\uFEFF/, '');
  return parseJson(blankJsonExtensions(json))
    .mapErr((cause) => invalidFile(file, `it is not valid JSON: ${describeJsonError(cause, json)}`, cause))
    .andThen((root) => sectionsOf(file, root));
}

function sectionsOf(file: string, root: unknown): Result<SettingsLayer, ConfigError> {
  if (!isPlainObject(root)) {
    return err(invalidFile(file, `expected a JSON object at the top level, found ${describeKind(root)}`, undefined));
  }
  const layer = new Map<SettingKey, SourcedValue>();
  // Legacy section first, so the MediatorJobs section's values replace its values.
  for (const wanted of [LEGACY_SETTINGS_SECTION_NAME, SETTINGS_SECTION_NAME]) {
    for (const [sectionName, section] of Object.entries(root)) {
      if (sectionName.toLowerCase() !== wanted.toLowerCase() || section === null) continue;
      if (!isPlainObject(section)) {
        return err(invalidFile(file, `section "${sectionName}" must be a JSON object, found ${describeKind(section)}`, undefined));
      }
      for (const [key, value] of layerFromObject(section, (name) => `${file} (${sectionName}:${name})`)) {
        layer.set(key, value);
      }
    }
  }
  return ok(layer);
}
