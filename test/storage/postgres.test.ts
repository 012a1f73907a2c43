/** The storage contract on PostgreSQL through the `pg` adapter: the same tests as on PGlite. */
import { storageContract } from './contract/all.js';

storageContract('PostgreSql');
