import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { openStorage } from '../../src/storage/open-storage.js';
import type { StorageEvent } from '../../src/storage/storage-events.js';
import { GENERIC_PLANS_OPTION } from '../../src/storage/generic-plans.js';
import { eventually, testDatabaseUrl, uniqueSchemaName } from '../support/test-storage.js';

describe('a subscription whose LISTEN failed (PostgreSql)', () => {
  it('leaves nothing behind: the next subscription listens and hears events; the failed one hears nothing', async () => {
    const url = await testDatabaseUrl();
    // The caller's pool, small and quick to give up, so the listening connection can be refused on purpose.
    const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 300, options: GENERIC_PLANS_OPTION });
    const schemaName = uniqueSchemaName('listen');
    const { storage } = (await openStorage({ type: 'PostgreSql', pool, schemaName }))._unsafeUnwrap();
    try {
      const held = await Promise.all([pool.connect(), pool.connect()]);
      const failedHeard: StorageEvent[] = [];
      const failed = await storage.subscribe((event) => failedHeard.push(event));
      for (const client of held) client.release();
      assert.equal(failed.isErr(), true, 'no connection to listen on: the subscription fails');

      // Before the fix the failed subscription kept the channel, so this one joined it without LISTEN.
      const heard: StorageEvent[] = [];
      const unsubscribe = (await storage.subscribe((event) => heard.push(event)))._unsafeUnwrap();
      (await storage.createJob({ queue: 'default', state: { name: 'Enqueued' }, typeName: 'Ping', payload: {} }))._unsafeUnwrap();
      await eventually(async () => (heard.some((event) => event.kind === 'Enqueued') ? true : undefined), 'the Enqueued event through the second subscription', 5_000);
      assert.deepEqual(failedHeard, [], 'a subscription the caller never got hears nothing');
      await unsubscribe();
    } finally {
      (await storage.close())._unsafeUnwrap();
      await pool.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
      await pool.end();
    }
  });
});
