import { emptyHistogram, type MetricStream, type MinuteRollup, observe, streamWindow } from "@qmc/core";
import { createTestDatabase, type TestDatabase } from "@qmc/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRollupWindow, writeRollups } from "../metrics/rollup-store.ts";
import { RollupHourCache } from "./rollup-hour-cache.ts";
import { streamWindowOf, sumRollupBuckets } from "./rollup-sums.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("health_rollup_cache");
});
afterAll(() => db.drop());

const MINUTE = 60_000;
const HOUR = 3_600_000;
const now = new Date(Math.floor(Date.now() / HOUR) * HOUR + 17 * MINUTE);
const base = now.getTime() - 30 * HOUR;

/** A minute of one stream: `n` completed orders of `latencyMs`, one failed, `n + 1` submitted. */
function row(stream: MetricStream, minute: number, n: number, latencyMs: number): MinuteRollup {
  const endToEnd = emptyHistogram();
  for (let i = 0; i <= n; i++) observe(endToEnd, latencyMs);
  return {
    stream,
    minute: new Date(minute),
    counts: { submitted: n + 1, started: n + 1, completed: n, failed: 1, retried: 0, cancelled: 0 },
    queueWait: emptyHistogram(),
    runTime: emptyHistogram(),
    endToEnd,
  };
}

describe("rollup sums and the hour cache", () => {
  beforeAll(async () => {
    // 30 hours, a minute every 7, two streams and two sources with different numbers.
    const a: MinuteRollup[] = [];
    const b: MinuteRollup[] = [];
    for (let m = base; m < now.getTime(); m += 7 * MINUTE) {
      a.push(row("NEW", m, 3 + ((m / MINUTE) % 5), 120 + ((m / MINUTE) % 300)));
      b.push(row("LEGACY", m, 2, 400), row("NEW", m, 1, 900));
    }
    await writeRollups(db.prisma, "worker:a", a);
    await writeRollups(db.prisma, "worker:b", b);
  });

  it("sums any window exactly as the rollup store does, across cached hours and partial ends", async () => {
    const cache = new RollupHourCache(db.prisma);
    const windows = [
      { from: new Date(base + 13 * MINUTE + 5_000), to: new Date(base + 20 * HOUR + 41 * MINUTE) },
      { from: new Date(base + 2 * HOUR), to: new Date(base + 5 * HOUR) },
      { from: new Date(base + 3 * HOUR + 10 * MINUTE), to: new Date(base + 3 * HOUR + 50 * MINUTE) },
      { from: new Date(base - HOUR), to: now },
    ];
    for (let pass = 0; pass < 2; pass++) {
      const sums = await cache.sum(windows, now);
      for (const [i, window] of windows.entries()) {
        const stored = await readRollupWindow(db.prisma, window.from, window.to);
        for (const stream of ["NEW", "LEGACY"] as const) {
          const fromStore = streamWindow(stream, stored, window);
          const fromCache = streamWindowOf(stream, sums[i] ?? {}, window);
          expect({ pass, i, ...fromCache }).toEqual({
            pass,
            i,
            ...fromStore,
            // The store's rows carry every histogram; the health reads only the end-to-end one.
            p50RunTimeMs: null,
            p99RunTimeMs: null,
          });
        }
      }
    }
  });

  it("forgets a cached hour as soon as a late flush rewrites one of its minutes", async () => {
    const cache = new RollupHourCache(db.prisma);
    const window = { from: new Date(base), to: new Date(base + 10 * HOUR) };
    const before = streamWindowOf("LEGACY", (await cache.sum([window], now))[0] ?? {}, window);
    await writeRollups(db.prisma, "worker:late", [row("LEGACY", base + 4 * HOUR + 3 * MINUTE, 50, 400)]);
    const after = streamWindowOf("LEGACY", (await cache.sum([window], now))[0] ?? {}, window);
    expect(after.submitted).toBe(before.submitted + 51);
    expect(after.failed).toBe(before.failed + 1);
  });

  it("cuts a run into epoch-aligned buckets in one scan", async () => {
    const from = new Date(Math.ceil(base / (15 * MINUTE)) * 15 * MINUTE);
    const to = new Date(from.getTime() + 2 * HOUR);
    const buckets = await sumRollupBuckets(db.prisma, [{ from, to }], 15 * MINUTE);
    expect([...buckets.keys()].every((k) => k % (15 * MINUTE) === 0)).toBe(true);
    let submitted = 0;
    for (const sums of buckets.values()) submitted += sums.LEGACY?.counts.submitted ?? 0;
    const stored = await readRollupWindow(db.prisma, from, to);
    expect(submitted).toBe(streamWindow("LEGACY", stored, { from, to }).submitted);
  });
});
