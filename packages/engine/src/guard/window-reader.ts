import {
  ERROR_RATE_COUNTING,
  minuteOf,
  queueDepthTrend,
  type StreamWindow,
  streamWindow,
  type ThresholdEvaluation,
  type WindowStats,
} from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import { readRollupWindow } from "../metrics/rollup-store.ts";
import type { LegacyBaselineReader } from "./legacy-baseline.ts";
import { isReduced, type WorkerMemoryReading } from "./worker-readings.ts";

/** One window's statistics and the numbers behind them. */
export interface WindowReading {
  stats: WindowStats;
  from: Date;
  to: Date;
  newSystem: StreamWindow;
  legacy: StreamWindow;
  workers: WorkerMemoryReading[];
}

/**
 * The statistics of the window ending `now`: rollups of the new system's real orders (shadows
 * excluded) and of legacy, summed over every minute that overlaps the window (so it covers at
 * least `windowSeconds`, the current minute partly); the new system's depth samples of the window;
 * and each live worker's latest memory reading, with whether a reduction is in force (its heartbeat
 * shows one, or a reduction decision is still unresolved for it).
 */
export async function readWindow(
  prisma: PrismaClient,
  windowSeconds: number,
  now: Date,
  workers: WorkerMemoryReading[],
  reductionOpenFor: ReadonlySet<string>,
  /** The P99 rule's minimum sample, when it is judged over this window: finds legacy's baseline. */
  legacyBaseline?: { reader: LegacyBaselineReader; minSample: number },
): Promise<WindowReading> {
  const start = new Date(now.getTime() - windowSeconds * 1000);
  const from = minuteOf(start);
  const [rollups, depths] = await Promise.all([
    readRollupWindow(prisma, from, now),
    prisma.queueDepthSample.findMany({
      where: { system: "NEW", at: { gte: start, lte: now } },
      select: { at: true, waiting: true },
      orderBy: { at: "asc" },
    }),
  ]);
  const range = { from, to: now };
  const newSystem = streamWindow("NEW", rollups, range);
  const legacy = streamWindow("LEGACY", rollups, range);
  const baseline =
    legacyBaseline && legacy.finished < legacyBaseline.minSample
      ? await legacyBaseline.reader.read(from, windowSeconds, legacyBaseline.minSample, now)
      : null;
  return {
    from,
    to: now,
    newSystem,
    legacy,
    workers,
    stats: {
      windowSeconds,
      newSystem: {
        finished: newSystem.finished,
        failed: newSystem.failed,
        p99LatencyMs: newSystem.p99LatencyMs,
      },
      legacy: { finished: legacy.finished, p99LatencyMs: legacy.p99LatencyMs, baseline },
      queueDepth: { samples: depths.map((d) => ({ at: d.at, depth: d.waiting })) },
      workers: workers.map((w) => ({
        workerId: w.workerId,
        memoryUsedRatio: w.memoryUsedRatio,
        concurrencyReduced: isReduced(w) || reductionOpenFor.has(w.workerId),
      })),
    },
  };
}

/** The measured numbers behind one evaluation, stored with a decision so it explains itself. */
export function valuesOf(e: ThresholdEvaluation, r: WindowReading): Record<string, unknown> {
  switch (e.metric) {
    case "ERROR_RATE":
      return {
        stream: "NEW",
        failed: r.newSystem.failed,
        finished: r.newSystem.finished,
        completed: r.newSystem.completed,
        cancelled: r.newSystem.cancelled,
        retried: r.newSystem.retried,
        counted: ERROR_RATE_COUNTING,
      };
    case "P99_LATENCY_RATIO": {
      const baseline = e.minSample > r.legacy.finished ? r.stats.legacy.baseline : null;
      return {
        latency: "end to end (submit → terminal state)",
        newP99Ms: r.newSystem.p99LatencyMs,
        legacyP99Ms: r.legacy.p99LatencyMs,
        newFinished: r.newSystem.finished,
        legacyFinished: r.legacy.finished,
        // The earlier legacy window compared with when this one had too few legacy orders.
        legacyBaseline: baseline
          ? {
              p99Ms: baseline.p99LatencyMs,
              finished: baseline.finished,
              from: baseline.from.toISOString(),
              to: baseline.to.toISOString(),
              ageSeconds: Math.round(baseline.ageSeconds),
            }
          : null,
      };
    }
    case "QUEUE_DEPTH_GROWTH": {
      const samples = r.stats.queueDepth.samples;
      const trend = queueDepthTrend(samples);
      return {
        depth: "waiting + prioritized jobs in the new system's queue",
        samples: samples.length,
        spanSeconds: trend?.spanSeconds ?? 0,
        perMinute: trend?.perMinute ?? null,
        first: samples[0] ? { at: samples[0].at.toISOString(), depth: samples[0].depth } : null,
        last: samples.at(-1) ? { at: samples.at(-1)?.at.toISOString(), depth: samples.at(-1)?.depth } : null,
      };
    }
    case "MEMORY_USAGE": {
      const w = r.workers.find((x) => x.workerId === e.subject);
      return w
        ? {
            memoryUsedRatio: w.memoryUsedRatio,
            slotsTotal: w.slotsTotal,
            concurrencyLimit: w.concurrencyLimit,
            reduced: isReduced(w),
          }
        : {};
    }
  }
}
