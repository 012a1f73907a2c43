import type { ClaimOffer, LocalClaim } from '../storage/job-storage.js';

/** A server's workers as the engine's job client sees them. */
export interface ClaimingPool {
  claimForNewJob(queue: string): LocalClaim | undefined;
}

/**
 * The running servers of one engine in this process. The engine's job client
 * offers each job it enqueues alone to them first: an idle worker claims the
 * job in the statement that creates it and starts it when that statement
 * returns, instead of waiting for the notification and a fetch (one round
 * trip less between enqueue and start). Jobs enqueued elsewhere, in a
 * transaction, in batches or in a burst of concurrent calls go through the
 * queue as always.
 */
export class LocalWorkers {
  private readonly pools = new Set<ClaimingPool>();

  add(pool: ClaimingPool): void {
    this.pools.add(pool);
  }

  delete(pool: ClaimingPool): void {
    this.pools.delete(pool);
  }

  /** The first idle worker of a running server that serves `queue`. */
  readonly offer: ClaimOffer = (queue) => {
    for (const pool of this.pools) {
      const claim = pool.claimForNewJob(queue);
      if (claim !== undefined) return claim;
    }
    return undefined;
  };
}
