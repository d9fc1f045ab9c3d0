import { throughputOf } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import { firstRollupMinute } from "../health/first-data.ts";
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
  /** Cancelled orders, counted apart: not outcomes of the system, not in the throughput. */
  cancelled: number;
  /** failed ÷ finished, per order (a retried attempt that later completed is no error). */
  errorRate: number | null;
  /** End-to-end latency, submit → terminal state, ms (the latency the guard's p99 rule reads). */
  p50Ms: number | null;
  p99Ms: number | null;
  /** Finished orders per minute (core `throughputOf`: the one definition every chart uses). */
  throughputPerMinute: number;
}

export interface SystemStatsWindow {
  systems: SystemStats[];
  /**
   * Set when the window reaches back before the first rollup minute: throughput is averaged from
   * this minute, not over time before any order existed. Null otherwise.
   */
  throughputFrom: Date | null;
}

/** Rollup minutes starting in `[from, to)`: a window is read in whole minutes. */
export async function systemStats(prisma: PrismaClient, from: Date, to: Date): Promise<SystemStats[]> {
  return (await systemStatsWindow(prisma, from, to)).systems;
}

/** {@link systemStats} and where its throughput was averaged from. */
export async function systemStatsWindow(
  prisma: PrismaClient,
  from: Date,
  to: Date,
): Promise<SystemStatsWindow> {
  const [[sums], firstData] = await Promise.all([
    rollupHours(prisma).sum([{ from, to }]),
    firstRollupMinute(prisma),
  ]);
  const throughput = throughputOf(0, { from, to }, firstData);
  const systems = (["LEGACY", "NEW"] as const).map((system) => {
    const w = streamWindowOf(system, sums ?? {}, { from, to }, firstData);
    return {
      system,
      finished: w.finished,
      failed: w.failed,
      cancelled: w.cancelled,
      errorRate: w.errorRate,
      p50Ms: w.p50LatencyMs,
      p99Ms: w.p99LatencyMs,
      throughputPerMinute: w.throughputPerMinute,
    };
  });
  return { systems, throughputFrom: throughput.clipped ? throughput.from : null };
}
