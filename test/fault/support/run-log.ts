/**
 * The evidence: every handler execution is written to our own table,
 * `fault_runs`, through a connection of its own, before the handler does
 * anything else. "Lost" and "ran twice" are judged from these rows, never
 * from the engine's own bookkeeping.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** One recorded execution. */
export interface RunRow {
  readonly runId: string;
  readonly key: string;
  readonly jobId: string;
  readonly attempt: number;
  readonly instance: string;
  readonly startedAt: number;
  readonly finishedAt: number | undefined;
}

export function createRunLogSql(schema: string): string {
  return `
CREATE TABLE IF NOT EXISTS "${schema}".fault_runs (
  run_id uuid PRIMARY KEY,
  key text NOT NULL,
  job_id bigint NOT NULL,
  attempt int NOT NULL,
  instance text NOT NULL,
  pid int NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX IF NOT EXISTS fault_runs_key_idx ON "${schema}".fault_runs (key)`;
}

/** How long a handler keeps trying to record its start (the database may be restarting). */
const RECORD_DEADLINE_MS = 120_000;
const RECORD_RETRY_MS = 100;

/** The server side: records starts and finishes, retrying through outages. */
export class RunRecorder {
  private readonly pool: pg.Pool;

  constructor(
    url: string,
    private readonly schema: string,
    private readonly instance: string,
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: 4 });
    // Connections die when the database restarts; the next query opens a new one.
    this.pool.on('error', () => undefined);
  }

  /**
   * Records a start and returns its id and how many runs of `key` were
   * recorded before it. The id is chosen here, so a retry after a lost reply
   * cannot record the same run twice.
   */
  async started(key: string, jobId: string, attempt: number): Promise<{ runId: string; earlierRuns: number }> {
    const runId = randomUUID();
    const startedAt = new Date();
    const rows = await this.retrying(() =>
      this.pool.query<{ earlier: string }>(
        `WITH ins AS (
           INSERT INTO "${this.schema}".fault_runs (run_id, key, job_id, attempt, instance, pid, started_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (run_id) DO NOTHING)
         SELECT count(*) AS earlier FROM "${this.schema}".fault_runs WHERE key = $2 AND run_id <> $1`,
        [runId, key, jobId, attempt, this.instance, process.pid, startedAt],
      ),
    );
    return { runId, earlierRuns: Number(rows.rows[0]?.earlier ?? 0) };
  }

  async finished(runId: string): Promise<void> {
    await this.retrying(() => this.pool.query(`UPDATE "${this.schema}".fault_runs SET finished_at = clock_timestamp() WHERE run_id = $1`, [runId]));
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + RECORD_DEADLINE_MS;
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, RECORD_RETRY_MS));
      }
    }
  }
}

/** The checker side: every recorded run, oldest first. */
export async function readRuns(query: (text: string) => Promise<Record<string, unknown>[]>, schema: string): Promise<RunRow[]> {
  const rows = await query(`SELECT run_id, key, job_id::text AS job_id, attempt, instance, started_at, finished_at FROM "${schema}".fault_runs ORDER BY started_at, run_id`);
  return rows.map((row) => ({
    runId: String(row.run_id),
    key: String(row.key),
    jobId: String(row.job_id),
    attempt: Number(row.attempt),
    instance: String(row.instance),
    startedAt: (row.started_at as Date).getTime(),
    finishedAt: row.finished_at === null ? undefined : (row.finished_at as Date).getTime(),
  }));
}
