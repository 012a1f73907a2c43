import { statSync } from 'node:fs';
import { err, ok, Result } from 'neverthrow';
import { invalidValue, withSource, type ConfigError } from './config-error.js';
import { describeError } from '../logging/logger.js';
import { environmentLayer } from './env-settings.js';
import type { JobSettingsInput, MediatorJobsOptions } from './options.js';
import { resolveSettings } from './resolve-options.js';
import { readSettingsFile } from './settings-file.js';
import { layerFromObject, mergeLayers, type SettingsLayer } from './settings-layer.js';

/** Name of the base settings file, looked up in `basePath`. */
export const SETTINGS_FILE_NAME = 'appsettings.json';

/** Where {@link loadConfiguration} looks for settings. Every field is optional. */
export interface LoadConfigurationOptions {
  /** Directory holding the appsettings files. Default: `process.cwd()`. */
  readonly basePath?: string;
  /** Selects `appsettings.{environment}.json`. Default: `env.NODE_ENV`; none skips the file. */
  readonly environment?: string;
  /** Environment variables to read. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Settings given in code; they win over every other source. */
  readonly overrides?: JobSettingsInput;
}

// The environment name becomes part of a file name: keep it from leaving basePath.
const ENVIRONMENT_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

function environmentFile(basePath: string, environment: string | undefined): Result<SettingsLayer | undefined, ConfigError> {
  if (environment === undefined || environment === '') return ok(undefined);
  if (!ENVIRONMENT_NAME.test(environment)) {
    return err(
      invalidValue('Environment', environment, 'use letters, digits, "_", "-" or inner dots (it names appsettings.{Environment}.json)'),
    );
  }
  return readSettingsFile(basePath, `appsettings.${environment}.json`);
}

/**
 * Loads mediator-jobs settings the way .NET configuration does, each layer replacing
 * the previous one key by key:
 * 1. `{basePath}/appsettings.json` (optional),
 * 2. `{basePath}/appsettings.{environment}.json` (optional; skipped without environment),
 * 3. environment variables `MediatorJobs__<Key>` / `HangFireOptions__<Key>`,
 * 4. `overrides` given in code.
 *
 * In files, settings live under section `MediatorJobs` (or `HangFireOptions`), keys in
 * any letter case; unknown keys are ignored. Then {@link resolveSettings} validates.
 *
 * @returns frozen options; or the first error: `InvalidFile` (base file, then
 * environment file), `InvalidValue` for a bad environment name or `overrides`
 * that are not an object, then the setting errors
 * of `resolveOptions`, whose message ends with where the bad value was set.
 */
export function loadConfiguration(given: LoadConfigurationOptions = {}): Result<MediatorJobsOptions, ConfigError> {
  // JavaScript callers pass null for "no options" (reading from null threw); anything else that is no object is refused.
  const options = given ?? {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    return err(invalidValue('loadConfiguration options', typeof options === 'function' ? '(a function)' : options, 'expected an object like { basePath, environment, env, overrides }, or nothing'));
  }
  // The only place mediator-jobs reads the process environment.
  const env = options.env ?? process.env;
  const basePath = options.basePath ?? process.cwd();
  const environment = options.environment ?? env.NODE_ENV;
  // The files are optional, their directory is not: a misspelled basePath would otherwise mean "defaults", silently.
  if (!isDirectory(basePath)) return err(invalidValue('basePath', basePath, 'the directory of the appsettings files does not exist or is not a directory'));
  return Result.combine([
    readSettingsFile(basePath, SETTINGS_FILE_NAME),
    environmentFile(basePath, environment),
    overridesLayer(options.overrides ?? {}),
  ]).andThen(([baseFile, environmentSpecificFile, overrides]) => {
    const layers = [baseFile ?? new Map(), environmentSpecificFile ?? new Map(), environmentLayer(env), overrides];
    const { raw, sources } = mergeLayers(layers);
    return resolveSettings(raw).mapErr((error) => withSource(error, 'key' in error ? sources.get(error.key) : undefined));
  });
}

/**
 * The overrides given in code as a layer; `InvalidValue` when they are not an
 * object, or reading them throws (a throwing getter).
 */
function overridesLayer(overrides: JobSettingsInput): Result<SettingsLayer, ConfigError> {
  // An untyped caller's string or list would be read as numbered keys (none a setting), a number as no keys: ignored without a word.
  if (typeof overrides !== 'object' || Array.isArray(overrides)) {
    return err(invalidValue('overrides', typeof overrides === 'function' ? '(a function)' : overrides, 'expected an object of settings, e.g. { WorkerCount: 4 }'));
  }
  try {
    return ok(layerFromObject(overrides, (name) => `overrides in code (${name})`));
  } catch (error) {
    return err(invalidValue('overrides', '(unreadable)', `the overrides object could not be read: ${describeError(error)}`));
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
