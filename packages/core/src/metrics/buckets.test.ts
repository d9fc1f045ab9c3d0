import { describe, expect, it } from "vitest";
import { alignedBuckets, bucketStartOf } from "./buckets.ts";

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);

describe("chart buckets", () => {
  it("cover the window with buckets aligned on the epoch, the last one ending now", () => {
    const now = new Date(T0 + 7 * MINUTE + 20_000);
    const buckets = alignedBuckets(now, 15 * MINUTE, 5 * MINUTE);
    expect(buckets.map((b) => (b.at.getTime() - T0) / MINUTE)).toEqual([-10, -5, 0, 5]);
    expect(buckets.every((b) => b.at.getTime() % (5 * MINUTE) === 0)).toBe(true);
    expect(buckets.at(-1)?.to).toEqual(now);
    expect(buckets[0]?.to).toEqual(new Date(T0 - 5 * MINUTE));
  });

  it("place every series of one bucket at the same point: its start", () => {
    const bucketMs = 15 * MINUTE;
    const now = new Date(T0 + 2 * 3_600_000);
    const buckets = alignedBuckets(now, 3_600_000, bucketMs);
    // A rollup minute, a depth sample and a config change inside one bucket all plot at its start.
    const bucket = buckets[2];
    if (!bucket) throw new Error("no third bucket");
    for (const inside of [
      bucket.from.getTime(),
      bucket.from.getTime() + 7 * MINUTE + 12_345,
      bucket.to.getTime() - 1,
    ]) {
      expect(bucketStartOf(inside, bucketMs)).toEqual(bucket.at);
    }
    expect(buckets.every((b) => b.at.getTime() === b.from.getTime())).toBe(true);
  });

  it("are the same for two reads of one window a few seconds apart", () => {
    const a = alignedBuckets(new Date(T0 + 61_000), 60 * MINUTE, MINUTE);
    const b = alignedBuckets(new Date(T0 + 64_000), 60 * MINUTE, MINUTE);
    expect(a.map((x) => x.at.getTime())).toEqual(b.map((x) => x.at.getTime()));
  });

  it("refuse a bucket or window that is not positive", () => {
    expect(() => alignedBuckets(new Date(T0), 0, MINUTE)).toThrow(RangeError);
    expect(() => alignedBuckets(new Date(T0), MINUTE, 0)).toThrow(RangeError);
  });
});
