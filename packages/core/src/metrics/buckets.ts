/** One bucket of a chart: the minutes starting in `[from, to)`; the last one may still be running. */
export interface TimeBucket {
  /** Where every series of a chart plots this bucket: its start. */
  at: Date;
  from: Date;
  /** The bucket's end, or `now` for the bucket still running. */
  to: Date;
}

/**
 * The buckets covering `windowMs` before `now`, aligned on multiples of `bucketMs` since the epoch
 * (so two reads of the same window agree, and rollups, depth samples and markers all fall in the
 * same bucket), oldest first; the last one ends at `now`. Every series of a chart is plotted at its
 * bucket's start (`at`), so points of different series never drift half a bucket apart.
 */
export function alignedBuckets(now: Date, windowMs: number, bucketMs: number): TimeBucket[] {
  if (!(bucketMs > 0) || !(windowMs > 0)) throw new RangeError("window and bucket must be positive");
  const end = now.getTime();
  const first = Math.floor((end - windowMs) / bucketMs) * bucketMs;
  const buckets: TimeBucket[] = [];
  for (let start = first; start < end; start += bucketMs) {
    buckets.push({
      at: new Date(start),
      from: new Date(start),
      to: new Date(Math.min(start + bucketMs, end)),
    });
  }
  return buckets;
}

/** The start of the bucket `at` falls in (the point it is plotted at). */
export function bucketStartOf(at: Date | number, bucketMs: number): Date {
  const ms = typeof at === "number" ? at : at.getTime();
  return new Date(Math.floor(ms / bucketMs) * bucketMs);
}
