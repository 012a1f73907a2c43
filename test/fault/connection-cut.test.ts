import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { PgDatabase } from '../../src/storage/postgres/pg-database.js';
import { testDatabaseUrl } from '../support/test-storage.js';

describe('a connection cut from the database side (PostgreSql)', () => {
  it('inside a transaction, between two statements: the transaction fails, the process lives, the next statement works', async () => {
    const url = await testDatabaseUrl();
    const warnings: string[] = [];
    const db = new PgDatabase({ connection: url, maxConnections: 2, onWarning: (message) => warnings.push(message) });
    const checker = new pg.Client(url);
    await checker.connect();
    try {
      let backendPid: number | undefined;
      let terminated!: () => void;
      const cut = new Promise<void>((resolve) => (terminated = resolve));
      const transaction = db.transaction(async (tx) => {
        backendPid = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
        // The connection dies while we hold the client and run nothing on it.
        await cut;
        await tx.query('SELECT 1');
      });
      while (backendPid === undefined) await new Promise((resolve) => setImmediate(resolve));
      // Only our own backend: the server is shared with other test files.
      await checker.query('SELECT pg_terminate_backend($1)', [backendPid]);
      await waitFor(() => warnings.length > 0, 'the lost connection to be reported');
      terminated();
      await assert.rejects(transaction);
      assert.ok(warnings.includes('PostgreSQL connection lost inside a transaction'), warnings.join('\n'));
      assert.deepEqual((await db.query<{ one: number }>('SELECT 1 AS one')).rows, [{ one: 1 }]);
    } finally {
      await checker.end();
      await db.close();
    }
  });

  it('again and again under queries, transactions and LISTEN: no error escapes as an uncaught exception, the database works afterwards', { timeout: 60_000 }, async () => {
    const base = await testDatabaseUrl();
    const victim = new URL(base);
    // Only this test's connections are cut: the server is shared with other test files.
    const applicationName = `cut-stress-${process.pid}-${Date.now()}`;
    victim.searchParams.set('application_name', applicationName);
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    const db = new PgDatabase({ connection: victim.toString(), maxConnections: 4 });
    const checker = new pg.Client(base);
    await checker.connect();
    try {
      await db.listen('cut_stress', () => undefined);
      let stop = false;
      let completed = 0;
      // Half plain statements, half transactions that hold their client across a pause: both left gaps where pg's 'error' had no listener.
      const loops = Array.from({ length: 8 }, async (_, i) => {
        while (!stop) {
          const work = i % 2 === 0
            ? db.query('SELECT 1')
            : db.transaction(async (tx) => {
              await tx.query('SELECT 1');
              await new Promise((resolve) => setTimeout(resolve, i % 3));
              await tx.query('SELECT 2');
            });
          await work.then(() => completed++, () => undefined);
        }
      });
      let rounds = 0;
      // Until enough of both happened, not for a fixed time: on a loaded machine fewer statements fit in a second.
      const deadline = Date.now() + 30_000;
      while ((rounds < 60 || completed < 150) && Date.now() < deadline) {
        await checker.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
        rounds++;
        await new Promise((resolve) => setTimeout(resolve, rounds % 20));
      }
      stop = true;
      await Promise.all(loops);
      assert.ok(rounds > 50 && completed > 100, `${rounds} rounds of terminations, ${completed} statements completed`);
      assert.deepEqual(uncaught.map(String), []);
      assert.deepEqual((await db.query<{ one: number }>('SELECT 1 AS one')).rows, [{ one: 1 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await checker.end();
      await db.close();
    }
  });
});

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
