/** The storage contract on PostgreSQL through the `pg` adapter: the same tests as on PGlite. */
import { testDatabaseUrl } from '../support/test-storage.js';
import { storageContract } from './contract/all.js';

// Resolve the database at the top level: a throwaway server (when DATABASE_URL
// is unset) is then stopped when the whole file is done, not after whichever
// test happened to ask for it first.
await testDatabaseUrl();

storageContract('PostgreSql');
