import type { ResultAsync } from 'neverthrow';
import type { Logger } from '../logging/logger.js';
import type { JobStorage } from '../storage/job-storage.js';
import { formatStorageError } from '../storage/storage-error.js';
import type { ServerProcess } from './server-process.js';

/** How often counters are aggregated: Hangfire's CountersAggregateInterval default, 5 minutes. */
export const COUNTERS_AGGREGATE_INTERVAL_MS = 5 * 60_000;

/** Raw counter rows folded per statement. */
export const COUNTER_AGGREGATION_BATCH_SIZE = 1000;

/**
 * Folds the raw succeeded/failed counter rows that every state change appends
 * into hourly totals (Hangfire's CountersAggregator), and drops totals past
 * their retention. Every server runs it; SKIP LOCKED keeps them from counting
 * a row twice. A full batch means more is waiting, so it goes again at once.
 */
export class CounterAggregator implements ServerProcess {
  readonly name = 'counter aggregator';

  constructor(
    private readonly storage: JobStorage,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  runOnce(): ResultAsync<number, { message: string }> {
    return this.storage
      .aggregateCounters(COUNTER_AGGREGATION_BATCH_SIZE)
      .map((aggregated) => {
        if (aggregated > 0) this.logger.debug(`Aggregated ${aggregated} counter row(s)`);
        return aggregated === COUNTER_AGGREGATION_BATCH_SIZE ? 0 : this.intervalMs;
      })
      .mapErr((error) => ({ message: formatStorageError(error) }));
  }
}
