/**
 * A schema already at this version opens under a role that may use its
 * tables but create nothing: the usual production split, where a DBA (or a
 * deploy step) migrates and the application runs with fewer rights. The
 * default PrepareSchemaIfNecessary must not demand rights it has no use for.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shippedMigrations } from '../../src/storage/migrations.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { openTestStorage } from '../support/test-storage.js';

describe('schema preparation under a role without CREATE rights', () => {
  it('opens a current schema (nothing to apply) without creating anything, and runs jobs', async () => {
    const t = await openTestStorage('PostgreSql');
    const schema = `"${t.storage.schema.name}"`;
    const role = `mj_user_${process.pid}`;
    try {
      // A new role may not create schemas (CREATE on the database) nor tables in this one.
      await t.sql(`CREATE ROLE ${role} LOGIN PASSWORD 'app'`);
      await t.sql(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
      await t.sql(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
      await t.sql(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`);
      const url = new URL(t.options.connectionString!);
      url.username = role;
      url.password = 'app';

      const opened = await openStorage({ type: 'PostgreSql', connectionString: url.toString(), schemaName: t.storage.schema.name });
      assert.ok(opened.isOk(), `the current schema opened under ${role}: ${opened.isErr() ? JSON.stringify(opened.error) : ''}`);
      try {
        assert.deepEqual(opened.value.migration, { applied: [], version: shippedMigrations().length }, 'nothing was applied');
        const id = await opened.value.storage.createJob({ queue: 'default', state: { name: 'Enqueued' }, typeName: 'Noop', payload: {} });
        assert.ok(id.isOk(), `the role runs jobs: ${id.isErr() ? JSON.stringify(id.error) : ''}`);
      } finally {
        (await opened.value.storage.close())._unsafeUnwrap();
      }
    } finally {
      await t.sql(`DROP OWNED BY ${role}`).catch(() => undefined);
      await t.sql(`DROP ROLE IF EXISTS ${role}`);
      await t.dispose();
    }
  });
});
