import type { StorageOptions } from './open-storage.js';

/**
 * What the chosen storage type leaves unused: a connection string under
 * Embedded, a data directory under PostgreSql. Said rather than refused: an
 * explicit StorageTypeName is the user's choice, and the other setting is
 * usually a lower layer's (appsettings.json's connection string under an
 * environment override to Embedded for local work), which layered
 * configuration keeps by design and an empty environment variable cannot
 * clear. Said rather than silent: an operator who meant the other storage
 * learns where the jobs really go. The connection string is never echoed
 * (it usually holds a password).
 */
export function unusedStorageSettings(options: StorageOptions): string[] {
  const unused: string[] = [];
  if (options.type === 'Embedded' && isGiven(options.connectionString)) {
    const where = isGiven(options.embeddedDataDirectory) ? `in ${JSON.stringify(options.embeddedDataDirectory)}` : 'in memory, lost when the process ends';
    unused.push(`StorageConnectionString is set but not used: StorageTypeName is Embedded, so jobs are stored in the embedded database (${where}); set StorageTypeName to PostgreSql, or leave it unset, to use the connection string`);
  }
  if (options.type === 'PostgreSql' && isGiven(options.embeddedDataDirectory)) {
    unused.push(`EmbeddedDataDirectory ${JSON.stringify(options.embeddedDataDirectory)} is set but not used: the storage is PostgreSql, so jobs are stored in the database of the connection string; set StorageTypeName to Embedded to use the directory`);
  }
  return unused;
}

function isGiven(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}
