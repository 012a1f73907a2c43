/**
 * An incomplete install (a migration file missing or unreadable) is reported
 * as an error value by both ways of opening a schema, never thrown.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PgliteDatabase } from '../../src/storage/embedded/pglite-database.js';
import { checkSchemaVersion, migrate } from '../../src/storage/migrator.js';
import type { Migration } from '../../src/storage/migrations.js';
import { parseSchemaName } from '../../src/storage/schema-name.js';

/** What shippedMigrations throws when a numbered file is missing. */
function missingFile(): readonly Migration[] {
  throw new Error('mediator-jobs is installed incompletely: migration 2 is missing from /somewhere/migrations/');
}

describe('unreadable migrations', () => {
  let db: PgliteDatabase;
  before(async () => {
    db = await PgliteDatabase.open();
  });
  after(async () => {
    await db.close();
  });

  for (const [name, open] of [['migrate', migrate], ['checkSchemaVersion', checkSchemaVersion]] as const) {
    it(`${name} returns an error naming the missing migration`, async () => {
      const schema = parseSchemaName('unreadable_migrations')._unsafeUnwrap();
      const result = await open(db, schema, missingFile);
      const error = result._unsafeUnwrapErr();
      assert.equal(error.kind, 'DatabaseError');
      assert.match(error.kind === 'DatabaseError' ? error.message : '', /^reading migrations failed: .*migration 2 is missing/);
    });
  }
});
