/** Small statistics for the benchmark: rates, percentiles, medians. */

/** Jobs (or operations) per second. */
export function perSecond(count: number, elapsedMs: number): number {
  return (count / elapsedMs) * 1000;
}

/** The nearest-rank percentile (`p` in 0..100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** The median of the figures that exist (a failed run leaves none); NaN when there are none. */
export function median(values: readonly number[]): number {
  const present = values.filter((v) => Number.isFinite(v));
  if (present.length === 0) return Number.NaN;
  const sorted = [...present].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** p50, p95 and p99 of latency samples in milliseconds. */
export function latencySummary(samplesMs: readonly number[]): { p50: number; p95: number; p99: number } {
  return { p50: percentile(samplesMs, 50), p95: percentile(samplesMs, 95), p99: percentile(samplesMs, 99) };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
