import { err, ok, Result } from 'neverthrow';
import { invalidValue, missingValue, unsupportedStorage, type ConfigError } from './config-error.js';
import { DEFAULT_PREPARE_SCHEMA_IF_NECESSARY, DEFAULT_SCHEMA_NAME } from './defaults.js';
import type { StorageOptions, StorageType } from './options.js';
import { validateSchemaName } from './schema-name.js';
import { isUnset, readBoolean, readOptionalString } from './setting-readers.js';
import type { RawSettings } from './setting-keys.js';

const STORAGE_TYPES: readonly StorageType[] = ['PostgreSql', 'Embedded'];
const SUPPORTED = 'supported storage types are "PostgreSql" and "Embedded"';
// Names the .NET library's users may carry over; they deserve a specific answer.
const SQL_SERVER_NAMES: ReadonlySet<string> = new Set(['mssql', 'sqlserver', 'sql server', 'mssqlserver']);

/**
 * Reads `StorageTypeName` in any letter case.
 *
 * @returns the canonical spelling, or `undefined` when unset or `""` (inferred later);
 * `UnsupportedStorage` for unknown names (SQL Server names get their own explanation);
 * `InvalidValue` for non-strings.
 */
export function readStorageTypeName(raw: RawSettings): Result<StorageType | undefined, ConfigError> {
  const value = raw.StorageTypeName;
  if (isUnset(value) || value === '') return ok(undefined);
  if (typeof value !== 'string') return err(invalidValue('StorageTypeName', value, `expected a string; ${SUPPORTED}`));
  const wanted = value.trim().toLowerCase();
  const type = STORAGE_TYPES.find((name) => name.toLowerCase() === wanted);
  if (type !== undefined) return ok(type);
  if (SQL_SERVER_NAMES.has(wanted)) {
    return err(unsupportedStorage(value, `SQL Server storage is not available in mediator-jobs; ${SUPPORTED}`));
  }
  return err(unsupportedStorage(value, SUPPORTED));
}

function readSchemaName(raw: RawSettings): Result<string, ConfigError> {
  const value = raw.SchemaName;
  if (isUnset(value)) return ok(DEFAULT_SCHEMA_NAME);
  if (typeof value !== 'string') return err(invalidValue('SchemaName', value, 'expected a string'));
  return validateSchemaName(value);
}

/**
 * Reads the storage settings: StorageTypeName, StorageConnectionString,
 * EmbeddedDataDirectory, SchemaName and PrepareSchemaIfNecessary.
 *
 * @returns the storage options, with the type inferred as PostgreSql when only a
 * connection string is given (else Embedded); the first error in key order otherwise,
 * then `MissingValue` for PostgreSql without a connection string.
 */
export function readStorage(raw: RawSettings): Result<StorageOptions, ConfigError> {
  return Result.combine([
    readStorageTypeName(raw),
    readOptionalString(raw, 'StorageConnectionString'),
    readOptionalString(raw, 'EmbeddedDataDirectory'),
    readSchemaName(raw),
    readBoolean(raw, 'PrepareSchemaIfNecessary', DEFAULT_PREPARE_SCHEMA_IF_NECESSARY),
  ]).andThen(([typeName, connectionString, embeddedDataDirectory, schemaName, prepareSchemaIfNecessary]) => {
    const type = typeName ?? (connectionString === undefined ? 'Embedded' : 'PostgreSql');
    if (type === 'PostgreSql' && connectionString === undefined) {
      return err(
        missingValue(
          'StorageConnectionString',
          'StorageTypeName is PostgreSql, so set StorageConnectionString (in appsettings.json under "MediatorJobs", ' +
            'or the environment variable MediatorJobs__StorageConnectionString), or use StorageTypeName "Embedded"',
        ),
      );
    }
    return ok(Object.freeze({ type, connectionString, embeddedDataDirectory, schemaName, prepareSchemaIfNecessary }));
  });
}
