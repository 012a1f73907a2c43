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
});

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
