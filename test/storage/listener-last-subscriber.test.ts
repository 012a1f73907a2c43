/**
 * The LISTEN connection is lost, and the last subscriber leaves before it is
 * re-established (a server stopped during a connection cut): the reconnect
 * is called off. Before, it still took a pool connection, listened on no
 * channel and held that connection until the storage closed; with a pool of
 * one, every statement after it waited forever.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { openStorage } from '../../src/storage/open-storage.js';
import { LISTENER_RECONNECT_MIN_DELAY_MS } from '../../src/storage/postgres/pg-listener.js';
import { eventually, testDatabaseUrl, uniqueSchemaName } from '../support/test-storage.js';

describe('the last subscriber leaving while the listening connection is lost (PostgreSql)', () => {
  it('calls the reconnect off, so no pool connection is held for nobody', async () => {
    const base = await testDatabaseUrl();
    const url = new URL(base);
    // Only this test's connections are cut: the server is shared with other test files.
    const applicationName = `listener-last-${process.pid}-${Date.now()}`;
    // One pooled connection: a connection held by a listener nobody uses leaves no room for any statement.
    const connectionString = [
      `Host=${url.hostname}`, `Port=${url.port || '5432'}`, `Database=${url.pathname.slice(1) || 'postgres'}`,
      `Username=${decodeURIComponent(url.username)}`, `Password=${decodeURIComponent(url.password)}`,
      `Application Name=${applicationName}`, 'Maximum Pool Size=1',
    ].join(';');
    const schemaName = uniqueSchemaName('listen');
    const warnings: string[] = [];
    const { storage } = (await openStorage({ type: 'PostgreSql', connectionString, schemaName, onWarning: (message) => void warnings.push(message) }))._unsafeUnwrap();
    const checker = new pg.Client(base);
    await checker.connect();
    try {
      const unsubscribe = (await storage.subscribe(() => undefined))._unsafeUnwrap();
      const terminated = await checker.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`, [applicationName]);
      assert.equal(terminated.rowCount, 1, 'the listening connection was found');
      await eventually(async () => (warnings.some((message) => message.includes('listening connection lost')) ? true : undefined), 'the loss to be noticed');
      // Well within the first reconnect delay (100 ms): the reconnect is still pending.
      await unsubscribe();

      // Proving that a timer did NOT act needs its delay to pass: wait several reconnect delays.
      const past = Date.now() + 5 * LISTENER_RECONNECT_MIN_DELAY_MS;
      await eventually(async () => (Date.now() >= past ? true : undefined), 'the reconnect delay to pass');
      const created = await Promise.race([
        storage.createJob({ queue: 'default', state: { name: 'Enqueued' }, typeName: 'Ping', payload: {} }).then((result) => result.isOk()),
        new Promise<string>((resolve) => setTimeout(() => resolve('no connection free after 5 s'), 5_000)),
      ]);
      assert.equal(created, true, 'the one pooled connection is free for statements');
      const backends = await checker.query<{ count: number }>(`SELECT count(*)::int AS count FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`, [applicationName]);
      assert.equal(backends.rows[0]?.count, 0, 'nobody listens');
      assert.deepEqual(warnings.filter((message) => !message.includes('listening connection lost')), []);
    } finally {
      await checker.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
      await checker.end();
      (await storage.close())._unsafeUnwrap();
    }
  });
});
