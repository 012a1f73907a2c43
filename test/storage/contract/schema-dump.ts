/** test/schema.sql is the schema every migration builds; a freshly migrated schema must match it exactly. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { StorageKind } from '../../support/test-storage.js';
import { dumpSchema, REGENERATE_COMMAND, SCHEMA_DUMP_FILE } from '../schema-dump.js';
import { withStorage } from './support.js';

export function schemaDumpContract(kind: StorageKind): void {
  describe(`schema dump (${kind})`, () => {
    // PostgreSQL is the reference (and the one that may rewrite the file); the
    // embedded database must build exactly the same schema from the same migrations.
    const update = process.env.UPDATE_SCHEMA_DUMP === '1' && kind === 'PostgreSql';
    it(update ? 'rewrites test/schema.sql from a freshly migrated schema' : 'builds exactly the schema in test/schema.sql', () =>
      withStorage(kind, async (t) => {
        const dump = await dumpSchema(t, t.options.schemaName!);
        if (update) {
          writeFileSync(SCHEMA_DUMP_FILE, dump);
          return;
        }
        const committed = readFileSync(SCHEMA_DUMP_FILE, 'utf8');
        assert.equal(dump, committed, `the migrated schema differs from test/schema.sql; if the change is intended, regenerate it with: ${REGENERATE_COMMAND}`);
      }));
  });
}
