import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import pg from 'pg';
import { openStorage } from '../../src/storage/open-storage.js';
import { eventually, testDatabaseUrl, uniqueSchemaName } from '../support/test-storage.js';

describe('storage warnings without an onWarning (PostgreSql)', () => {
  it('a lost listening connection is reported on the console, and the storage goes on listening', async () => {
    const base = await testDatabaseUrl();
    const url = new URL(base);
    // Only this test's connections are cut: the server is shared with other test files.
    const applicationName = `default-warnings-${process.pid}-${Date.now()}`;
    url.searchParams.set('application_name', applicationName);
    const schemaName = uniqueSchemaName('warn');
    const { storage } = (await openStorage({ type: 'PostgreSql', connectionString: url.toString(), schemaName }))._unsafeUnwrap();
    const checker = new pg.Client(base);
    await checker.connect();
    const console = mock.method(globalThis.console, 'error', () => undefined);
    try {
      const events: string[] = [];
      let reconnected = 0;
      (await storage.subscribe((event) => events.push(event.kind), () => reconnected++))._unsafeUnwrap();
      const terminated = await checker.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`,
        [applicationName],
      );
      assert.equal(terminated.rowCount, 1, 'the listening connection was found');
      const warned = () => console.mock.calls.map((call) => String(call.arguments[0])).filter((line) => line.includes('listening connection lost'));
      await eventually(async () => (warned().length > 0 ? true : undefined), 'the lost listener to be reported');
      assert.match(warned()[0] ?? '', /^\[mediator-jobs\] WARN Storage: listening connection lost; reconnecting: .+/);
      await eventually(async () => (reconnected > 0 ? true : undefined), 'the listener to reconnect');
      (await storage.createJob({ queue: 'default', state: { name: 'Enqueued' }, typeName: 'Ping', payload: {} }))._unsafeUnwrap();
      await eventually(async () => (events.includes('Enqueued') ? true : undefined), 'an event through the new listening connection');
    } finally {
      console.mock.restore();
      await checker.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
      await checker.end();
      (await storage.close())._unsafeUnwrap();
    }
  });
});
