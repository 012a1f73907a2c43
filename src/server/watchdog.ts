import { okAsync, type ResultAsync } from 'neverthrow';
import type { Logger } from '../logging/logger.js';
import type { JobStorage } from '../storage/job-storage.js';
import { formatStorageError } from '../storage/storage-error.js';
import type { DatabaseContact } from './database-contact.js';
import type { ServerProcess } from './server-process.js';

/**
 * Every ServerCheckInterval, removes servers whose heartbeat is older than
 * ServerTimeout and releases their Processing jobs at once, so a crashed
 * server's jobs run again within about ServerTimeout, not InvisibilityTimeout.
 * Every server runs it; the removal is one statement, so they cannot collide.
 * After this server lost the database, it waits until the database has
 * answered its heartbeats for a full ServerTimeout: until then the others'
 * heartbeats are stale because of the outage, not because they died.
 */
export class Watchdog implements ServerProcess {
  readonly name = 'watchdog';

  constructor(
    private readonly storage: JobStorage,
    private readonly checkIntervalMs: number,
    private readonly serverTimeoutMs: number,
    private readonly logger: Logger,
    private readonly contact?: DatabaseContact,
  ) {}

  runOnce(): ResultAsync<number, { message: string }> {
    if (this.contact !== undefined && !this.contact.steadyFor(this.serverTimeoutMs)) return okAsync(this.checkIntervalMs);
    return this.storage
      .removeDeadServers(this.serverTimeoutMs)
      .map(({ servers, releasedJobs }) => {
        if (servers.length > 0) {
          this.logger.warn(`Removed ${servers.length} dead server(s) (${servers.join(', ')}); released ${releasedJobs.length} job(s) they were running`, { servers, releasedJobs });
        }
        return this.checkIntervalMs;
      })
      .mapErr((error) => ({ message: formatStorageError(error) }));
  }
}
