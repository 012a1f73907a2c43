/**
 * The rule of the jobs row that no column type can check, since it spans two
 * columns: a job is visible to the fetch (visible_at set) exactly while it is
 * Enqueued or Processing. It was a CHECK constraint until migration 9, which
 * PostgreSQL prepared anew for every statement writing the table; now the
 * statements keep it, and every test schema is checked for it before it is
 * dropped (openTestStorage's dispose), so a statement that breaks it fails
 * the test that ran it.
 */
/** Anything that runs raw SQL beside the storage (a TestStorage, a raw connection). */
interface Sql {
  sql(text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
}

/** Throws naming the jobs that break the rule, if any do. */
export async function assertRowRules(db: Sql, quotedSchema: string): Promise<void> {
  const broken = await db.sql(
    `SELECT id::text AS id, state::text AS state, visible_at FROM ${quotedSchema}.jobs
     WHERE (visible_at IS NOT NULL) <> (state IN ('Enqueued', 'Processing')) ORDER BY id LIMIT 5`,
  );
  if (broken.length > 0) {
    throw new Error(`jobs visible to the fetch outside Enqueued and Processing, or queued but invisible: ${JSON.stringify(broken)}`);
  }
}
