/** The storage contract on PGlite, the embedded adapter: the same tests as on PostgreSQL. */
import { sharedPglite } from '../support/test-storage.js';
import { storageContract } from './contract/all.js';

// Start the shared PGlite at the top level: its `after` clean-up then closes it
// when the whole file is done, not after whichever test happened to ask first.
await sharedPglite();

storageContract('Embedded');
