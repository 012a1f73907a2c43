import type { ResultAsync } from 'neverthrow';
import type { Logger } from '../logging/logger.js';
import type { JobStorage } from '../storage/job-storage.js';
import { formatStorageError } from '../storage/storage-error.js';
import type { ServerProcess } from './server-process.js';

/** Jobs deleted per statement: small, so expiration never holds locks for long. */
export const EXPIRATION_BATCH_SIZE = 500;

/**
 * Deletes Succeeded and Deleted jobs older than JobExpirationTimeout, with
 * their history, parameters and results, in small batches; Failed jobs stay
 * until someone retries or deletes them. A full batch means more is waiting,
 * so it goes again at once; otherwise it sleeps for JobExpirationCheckInterval.
 */
export class ExpirationManager implements ServerProcess {
  readonly name = 'expiration manager';

  constructor(
    private readonly storage: JobStorage,
    private readonly checkIntervalMs: number,
    private readonly logger: Logger,
  ) {}

  runOnce(): ResultAsync<number, { message: string }> {
    return this.storage
      .expireJobs(EXPIRATION_BATCH_SIZE)
      .map((expired) => {
        if (expired > 0) this.logger.debug(`Expired ${expired} finished job(s)`);
        return expired === EXPIRATION_BATCH_SIZE ? 0 : this.checkIntervalMs;
      })
      .mapErr((error) => ({ message: formatStorageError(error) }));
  }
}
