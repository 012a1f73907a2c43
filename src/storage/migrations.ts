import { readdirSync, readFileSync } from 'node:fs';

/** One numbered, append-only migration script. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** SQL with `:schema` standing for the quoted schema name. */
  readonly script: string;
}

const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;
const migrationsDirectory = new URL('./migrations/', import.meta.url);

/**
 * The migrations shipped with this version of the library, in order. Read
 * from the .sql files next to this module (copied into dist/ by the build).
 * Numbering must be contiguous from 1: a gap means a file went missing.
 */
export function shippedMigrations(): readonly Migration[] {
  const migrations = readdirSync(migrationsDirectory)
    .map((file) => ({ file, match: MIGRATION_FILE.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => ({
      version: Number(match[1]),
      name: match[2] ?? file,
      script: readFileSync(new URL(file, migrationsDirectory), 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`mediator-jobs is installed incompletely: migration ${index + 1} is missing from ${migrationsDirectory.pathname}`);
    }
  });
  return migrations;
}

/** Substitutes the quoted schema name into a migration script. */
export function renderMigration(migration: Migration, quotedSchema: string): string {
  return migration.script.replaceAll(':schema', quotedSchema);
}
