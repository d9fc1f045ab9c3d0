/**
 * Latency histograms that merge by adding counts, so per-minute rollups of any number of workers
 * combine into any window without raw rows, and still give p50/p95/p99.
 *
 * Bucket bounds grow by 1.2× from 1 ms to ~1 h (84 buckets plus an overflow): a quantile read
 * from them is within ±10 % of the true value (the bucket is interpolated geometrically), fine
 * enough to tell a p99 ratio of 2.0 from 2.4, which the guard's "2 × legacy p99" rule needs.
 */
const GROWTH = 1.2;
const FIRST_BOUND_MS = 1;
const LAST_BOUND_MS = 3_600_000;

/** Upper bounds (inclusive, ms) of every bucket but the last, which holds everything above. */
export const LATENCY_BUCKET_BOUNDS_MS: readonly number[] = Object.freeze(
  (() => {
    const bounds: number[] = [];
    for (let bound = FIRST_BOUND_MS; bound < LAST_BOUND_MS; bound *= GROWTH) {
      bounds.push(Math.round(bound * 1000) / 1000);
    }
    bounds.push(LAST_BOUND_MS);
    return bounds;
  })(),
);

/** Counts per bucket: `LATENCY_BUCKET_BOUNDS_MS.length + 1` entries (the last one is overflow). */
export type LatencyHistogram = number[];

export const LATENCY_BUCKET_COUNT = LATENCY_BUCKET_BOUNDS_MS.length + 1;

export function emptyHistogram(): LatencyHistogram {
  return new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
}

/** Index of the bucket a latency falls in (negative and NaN latencies count as 0 ms). */
export function bucketOf(latencyMs: number): number {
  const ms = Number.isFinite(latencyMs) && latencyMs > 0 ? latencyMs : 0;
  // Binary search: the first bound ≥ ms.
  let lo = 0;
  let hi = LATENCY_BUCKET_BOUNDS_MS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((LATENCY_BUCKET_BOUNDS_MS[mid] ?? Number.POSITIVE_INFINITY) >= ms) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Adds one observation (mutates and returns `histogram`). */
export function observe(histogram: LatencyHistogram, latencyMs: number): LatencyHistogram {
  const index = bucketOf(latencyMs);
  histogram[index] = (histogram[index] ?? 0) + 1;
  return histogram;
}

/** Sum of histograms; inputs of another length (an older bucket layout) are refused. */
export function mergeHistograms(histograms: Iterable<readonly number[]>): LatencyHistogram {
  const total = emptyHistogram();
  for (const histogram of histograms) {
    if (histogram.length === 0) continue;
    if (histogram.length !== LATENCY_BUCKET_COUNT) {
      throw new RangeError(
        `a latency histogram has ${histogram.length} buckets, expected ${LATENCY_BUCKET_COUNT}`,
      );
    }
    for (let i = 0; i < LATENCY_BUCKET_COUNT; i++) total[i] = (total[i] ?? 0) + (histogram[i] ?? 0);
  }
  return total;
}

export function histogramCount(histogram: readonly number[]): number {
  let count = 0;
  for (const n of histogram) count += n;
  return count;
}

/**
 * The q-quantile (0 < q ≤ 1) in ms, interpolated geometrically inside its bucket; null for an
 * empty histogram. The overflow bucket answers its lower bound (more than an hour).
 */
export function quantileMs(histogram: readonly number[], q: number): number | null {
  const count = histogramCount(histogram);
  if (count === 0) return null;
  const rank = Math.max(1, Math.ceil(q * count));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    const inBucket = histogram[i] ?? 0;
    if (seen + inBucket < rank) {
      seen += inBucket;
      continue;
    }
    const upper = LATENCY_BUCKET_BOUNDS_MS[i];
    if (upper === undefined) return LAST_BOUND_MS;
    const lower = i === 0 ? 0 : (LATENCY_BUCKET_BOUNDS_MS[i - 1] ?? 0);
    if (lower === 0) return Math.round(upper * ((rank - seen) / inBucket));
    const fraction = (rank - seen) / inBucket;
    return Math.round(lower * (upper / lower) ** fraction);
  }
  return LAST_BOUND_MS;
}
