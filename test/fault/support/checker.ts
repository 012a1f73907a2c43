/**
 * The test's own connection to the database: inspects tables and
 * pg_stat_activity, and terminates the application's backends. Its
 * application_name differs from the servers', so it is never among them.
 */
import pg from 'pg';

export class Checker {
  private readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 2 });
    // Cut by a database restart: the next query opens a new connection.
    this.pool.on('error', () => undefined);
  }

  async rows<Row = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(text, values)).rows as Row[];
  }

  /** Like `rows`, but keeps trying while the database is down or restarting. */
  async rowsWhenUp<Row = Record<string, unknown>>(text: string, values: unknown[] = [], timeoutMs = 60_000): Promise<Row[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await this.rows<Row>(text, values);
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /**
   * Terminates every backend whose application_name starts with `prefix`
   * (the servers' and the test client's, not the evidence recorder's or our
   * own), the LISTEN connections included. Returns how many, and how many
   * were listening.
   */
  async terminateBackends(prefix: string): Promise<{ backends: number; listeners: number }> {
    const rows = await this.rows<{ listening: boolean; terminated: boolean }>(
      `SELECT query ILIKE 'LISTEN %' AS listening, pg_terminate_backend(pid) AS terminated
       FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND starts_with(application_name, $1)`,
      [prefix],
    );
    const terminated = rows.filter((row) => row.terminated);
    return { backends: terminated.length, listeners: terminated.filter((row) => row.listening).length };
  }

  /** Instances (application_name after the prefix) that hold a LISTEN connection now. */
  async listeningInstances(prefix: string): Promise<string[]> {
    const rows = await this.rows<{ instance: string }>(
      `SELECT DISTINCT substr(application_name, length($1) + 1) AS instance
       FROM pg_stat_activity
       WHERE datname = current_database() AND starts_with(application_name, $1) AND query ILIKE 'LISTEN %' AND state = 'idle'`,
      [prefix],
    );
    return rows.map((row) => row.instance).sort();
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** The same connection string with another application_name (how backends are told apart). */
export function withApplicationName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', name);
  return parsed.toString();
}
