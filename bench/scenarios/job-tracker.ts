/** Records when each job's handler started, and lets a scenario wait for jobs with a deadline. */
export class JobTracker {
  readonly startedAt = new Map<number, number>();
  #count = 0;
  #waiters: { predicate: () => boolean; resolve: () => void }[] = [];

  /** The worker's callback: the moment the library handed job `n` to our handler. */
  readonly seen = (n: number): void => {
    if (!this.startedAt.has(n)) this.startedAt.set(n, performance.now());
    this.#count++;
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.predicate()) return true;
      waiter.resolve();
      return false;
    });
  };

  /** Handler starts so far (a job run twice counts twice). */
  get count(): number {
    return this.#count;
  }

  /** Resolves once `count` handler starts have been seen in total. */
  untilCount(count: number, deadlineMs: number, what: string): Promise<void> {
    return this.until(() => this.#count >= count, deadlineMs, `${what}: ${count} handler starts (saw ${this.#count})`);
  }

  /** Resolves once job `n` has started. */
  untilStarted(n: number, deadlineMs: number): Promise<void> {
    return this.until(() => this.startedAt.has(n), deadlineMs, `job ${n} to start`);
  }

  private until(predicate: () => boolean, deadlineMs: number, what: string): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gave up waiting for ${what} after ${deadlineMs} ms`)), deadlineMs);
      this.#waiters.push({ predicate, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }
}

/** Polls `unfinished` until it reports 0, at most until the deadline. */
export async function untilDrained(unfinished: () => Promise<number>, deadlineMs: number, pollMs = 5): Promise<void> {
  const giveUpAt = performance.now() + deadlineMs;
  for (;;) {
    const left = await unfinished();
    if (left === 0) return;
    if (performance.now() > giveUpAt) throw new Error(`${left} jobs still unfinished after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** `count` consecutive numbers from `first`. */
export function numbers(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

/** Splits `items` into chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
