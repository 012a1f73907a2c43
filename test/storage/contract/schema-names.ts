/** Schema names are the one identifier put into SQL text: anything but a plain identifier is refused before connecting. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { openStorage, type StorageOptions } from '../../../src/storage/open-storage.js';
import type { StorageKind } from '../../support/test-storage.js';

export const BAD_SCHEMA_NAMES = ['x"; drop table y; --', 'has space', 'schéma', 'ümlaut', 'a'.repeat(64), '', '1starts_with_digit', 'dash-ed', 'dot.ted', 'new\nline'];

/**
 * Options that cannot run SQL without it showing: on PostgreSQL a closed port
 * (connecting fails with a DatabaseError); on PGlite an instance that records
 * every use and fails it.
 */
function unusableOptions(kind: StorageKind, schemaName: string): { options: StorageOptions; touched: string[] } {
  const touched: string[] = [];
  if (kind === 'PostgreSql') return { options: { type: 'PostgreSql', connectionString: 'postgres://u:p@127.0.0.1:1/db', schemaName }, touched };
  const trap = new Proxy({}, {
    get(_target, property) {
      touched.push(String(property));
      return () => Promise.reject(new Error(`PGlite.${String(property)} was used`));
    },
  }) as PGlite;
  return { options: { type: 'Embedded', pglite: trap, schemaName }, touched };
}

export function schemaNameContract(kind: StorageKind): void {
  describe(`schema names (${kind})`, () => {
    it('refuses a schema name that is not a plain identifier before any SQL runs', async () => {
      for (const schemaName of BAD_SCHEMA_NAMES) {
        const { options, touched } = unusableOptions(kind, schemaName);
        const error = (await openStorage(options))._unsafeUnwrapErr();
        assert.equal(error.kind, 'InvalidInput', `schema name ${JSON.stringify(schemaName)}: ${'message' in error ? error.message : ''}`);
        assert.match('message' in error ? error.message : '', /^Schema name .* is refused: .*identifier/s);
        assert.deepEqual(touched, [], 'the database was never used');
      }
    });

    it('gets as far as the database with a valid name (so the refusals above really came first)', async () => {
      for (const schemaName of ['ok_name', 'A'.repeat(63), '_x1']) {
        const { options, touched } = unusableOptions(kind, schemaName);
        const error = (await openStorage(options))._unsafeUnwrapErr();
        assert.equal(error.kind, 'DatabaseError', `schema name ${schemaName}`);
        if (kind === 'Embedded') assert.ok(touched.length > 0);
      }
    });
  });
}
