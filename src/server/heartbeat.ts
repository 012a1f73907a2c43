import { okAsync, type ResultAsync } from 'neverthrow';
import type { Logger } from '../logging/logger.js';
import type { JobStorage } from '../storage/job-storage.js';
import type { ServerAnnouncement } from '../storage/monitoring-types.js';
import { formatStorageError } from '../storage/storage-error.js';
import type { DatabaseContact } from './database-contact.js';
import type { ServerProcess } from './server-process.js';

/**
 * Tells the cluster this server is alive, every HeartbeatInterval. If a
 * watchdog removed it meanwhile (a long pause), it announces itself again;
 * its jobs were released, and its workers learn that when their lease
 * renewals come back lost.
 */
export class Heartbeat implements ServerProcess {
  readonly name = 'heartbeat';

  constructor(
    private readonly storage: JobStorage,
    private readonly server: ServerAnnouncement,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly contact?: DatabaseContact,
  ) {}

  runOnce(): ResultAsync<number, { message: string }> {
    return this.storage
      .heartbeat(this.server.name)
      .andThen((alive) => {
        if (alive) return okAsync(undefined);
        this.logger.warn(`Server ${this.server.name} had been removed as dead; announcing it again`);
        return this.storage.announceServer(this.server);
      })
      .map(() => {
        this.contact?.succeeded();
        return this.intervalMs;
      })
      .mapErr((error) => {
        this.contact?.failed();
        return { message: formatStorageError(error) };
      });
  }
}
