import type { Database } from '../database.js';
import type { SchemaName } from '../schema-name.js';

/** Rewritten or deleted rows before the first VACUUM, and the fixed part of every later threshold. */
const DEAD_ROWS_BEFORE_VACUUM = 10_000;

/** The share of the jobs table's live rows added to the threshold, as autovacuum does (its scale factor). */
const DEAD_ROW_FRACTION = 0.2;

/**
 * Autovacuum for the embedded database, which has none: PGlite runs one
 * backend and no background workers. Without VACUUM, every row version a job
 * leaves behind (its fetch and its completion each rewrite its row) and every
 * row expiration deletes stays in the tables and their indexes for good, and
 * new rows never reuse the space: about 1 KB per job processed, held in memory
 * by the default in-memory database (10,000 jobs run and expired grew our
 * tables by 9.5 MB, every round of them).
 *
 * The storage tells the collector how many rows its statements rewrote or
 * deleted. Past autovacuum's own rule (a fixed number plus a share of the live
 * rows), the collector vacuums the schema's tables: one VACUUM at a time, in
 * the background, between other statements (PGlite runs one statement at a
 * time). VACUUM also updates the tables' size in the catalog, which makes
 * cached plans be made again for the tables' size now, not the size they had
 * at their first run.
 */
export class DeadRowCollector {
  private deadRows = 0;
  private threshold = DEAD_ROWS_BEFORE_VACUUM;
  private vacuuming: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly schema: SchemaName,
    private readonly onFailure: (message: string, cause: unknown) => void,
  ) {}

  /** Counts rows a statement rewrote or deleted; starts a VACUUM once they pass the threshold. */
  note(rows: number): void {
    this.deadRows += rows;
    if (this.deadRows < this.threshold || this.vacuuming !== undefined) return;
    this.deadRows = 0;
    this.vacuuming = this.vacuum()
      .catch((error: unknown) => this.onFailure('vacuuming the embedded database failed; it will be tried again', error))
      .finally(() => {
        this.vacuuming = undefined;
      });
  }

  /** Resolves when no VACUUM is running (the storage waits for it before closing the database). */
  async settled(): Promise<void> {
    await this.vacuuming;
  }

  private async vacuum(): Promise<void> {
    // Every table of the schema, as they are now: a table a later migration adds is included without a change here.
    const tables = await this.db.query<{ name: string }>('SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = $1', [this.schema.name]);
    if (tables.rows.length === 0) return;
    await this.db.execute(`VACUUM ${tables.rows.map((table) => `${this.schema.quoted}.${table.name}`).join(', ')}`);
    const live = await this.db.query<{ rows: number }>(
      'SELECT greatest(c.reltuples, 0)::float8 AS rows FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2',
      [this.schema.name, 'jobs'],
    );
    this.threshold = DEAD_ROWS_BEFORE_VACUUM + DEAD_ROW_FRACTION * (live.rows[0]?.rows ?? 0);
  }
}
