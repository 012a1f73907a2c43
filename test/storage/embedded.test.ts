/** The storage contract on PGlite, the embedded adapter: the same tests as on PostgreSQL. */
import { storageContract } from './contract/all.js';

storageContract('Embedded');
