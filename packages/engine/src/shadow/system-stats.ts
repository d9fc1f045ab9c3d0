import type { PrismaClient } from "@qmc/db";
import { rollupHours } from "../health/rollup-hour-cache.ts";
import { streamWindowOf } from "../health/rollup-sums.ts";

/**
 * Old vs new over one time window (Comparison page), from the per-minute rollups — never from
 * order or attempt rows, so a 30-day window costs about as much as an hour. Counts are orders
 * (primaries; shadows are their own stream) that reached an outcome in the window.
 */
export interface SystemStats {
  system: "LEGACY" | "NEW";
  /** Orders that completed or failed (cancelled ones are not outcomes of the system). */
  finished: number;
  failed: number;
  /** failed ÷ finished, per order (a retried attempt that later completed is no error). */
  errorRate: number | null;
  /** End-to-end latency, submit → terminal state, ms (the latency the guard's p99 rule reads). */
  p50Ms: number | null;
  p99Ms: number | null;
  /** Finished orders per minute over the window. */
  throughputPerMinute: number;
}

/** Rollup minutes starting in `[from, to)`: a window is read in whole minutes. */
export async function systemStats(prisma: PrismaClient, from: Date, to: Date): Promise<SystemStats[]> {
  const [sums] = await rollupHours(prisma).sum([{ from, to }]);
  const minutes = Math.max(1 / 60, (to.getTime() - from.getTime()) / 60_000);
  return (["LEGACY", "NEW"] as const).map((system) => {
    const w = streamWindowOf(system, sums ?? {}, { from, to });
    return {
      system,
      finished: w.finished,
      failed: w.failed,
      errorRate: w.errorRate,
      p50Ms: w.p50LatencyMs,
      p99Ms: w.p99LatencyMs,
      throughputPerMinute: w.finished / minutes,
    };
  });
}
