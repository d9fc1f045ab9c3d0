import { alignedBuckets, type MetricStream } from "@qmc/core";
import { type PrismaClient, queryPrepared } from "@qmc/db";
import {
  type ConfigChangeAnnotation,
  type GateDecisionAnnotation,
  readConfigChanges,
  readGateDecisions,
} from "./annotations.ts";
import { firstRollupMinute } from "./first-data.ts";
import { rollupHours } from "./rollup-hour-cache.ts";
import { streamWindowOf, sumRollupBuckets } from "./rollup-sums.ts";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** Chart windows and the bucket each is drawn in: at most ~100 points per stream. */
export const TIME_SERIES_WINDOWS = {
  "15m": { windowMs: 15 * MINUTE_MS, bucketMs: MINUTE_MS },
  "1h": { windowMs: HOUR_MS, bucketMs: MINUTE_MS },
  "6h": { windowMs: 6 * HOUR_MS, bucketMs: 5 * MINUTE_MS },
  "24h": { windowMs: 24 * HOUR_MS, bucketMs: 15 * MINUTE_MS },
  "7d": { windowMs: 7 * 24 * HOUR_MS, bucketMs: 2 * HOUR_MS },
} as const;

export type TimeSeriesWindow = keyof typeof TIME_SERIES_WINDOWS;

export interface QueueDepthPoint {
  /** Highest readings in the bucket. */
  waiting: number;
  delayed: number;
  active: number;
}

/** One bucket of one stream (minutes starting in `[at, at + bucket)`). */
export interface SeriesPoint {
  at: Date;
  submitted: number;
  started: number;
  completed: number;
  failed: number;
  retried: number;
  cancelled: number;
  /** failed ÷ (completed + failed); null without finished orders. */
  errorRate: number | null;
  /** Submit → terminal state, ms. */
  p50LatencyMs: number | null;
  p99LatencyMs: number | null;
  /**
   * Finished (completed + failed) orders per minute of the bucket — core `throughputOf`, the
   * definition every table uses; the current bucket per minute elapsed, a bucket reaching back
   * before the first rollup from that minute.
   */
  throughputPerMinute: number;
  /** The system's queue depth samples (SHADOW runs in the new system's queue: null). */
  queueDepth: QueueDepthPoint | null;
}

export interface TimeSeries {
  window: TimeSeriesWindow;
  from: Date;
  to: Date;
  bucketSeconds: number;
  /** Every point of every series is plotted at its bucket's start (`at`). */
  pointAt: "bucket-start";
  /** The first rollup minute when the window reaches back before it (no order existed before). */
  dataFrom: Date | null;
  series: Array<{ stream: MetricStream; points: SeriesPoint[] }>;
  annotations: { configChanges: ConfigChangeAnnotation[]; gateDecisions: GateDecisionAnnotation[] };
}

const DEPTH_SQL = {
  name: "health_depth_buckets",
  text: `
    SELECT "system"::text AS "system", floor(extract(epoch FROM "at") * 1000 / $3::float8)::float8 AS "bucket",
           max("waiting") AS "waiting", max("delayed") AS "delayed", max("active") AS "active"
    FROM "QueueDepthSample" WHERE "at" >= $1::timestamp(3) AND "at" < $2::timestamp(3)
    GROUP BY 1, 2`,
};

async function depthBuckets(prisma: PrismaClient, from: Date, to: Date, bucketMs: number) {
  const rows = await queryPrepared<{ system: string; bucket: number } & QueueDepthPoint>(prisma, DEPTH_SQL, [
    from.toISOString(),
    to.toISOString(),
    bucketMs,
  ]);
  return new Map(
    rows.map((r) => [
      `${r.system}|${Number(r.bucket) * bucketMs}`,
      { waiting: r.waiting, delayed: r.delayed, active: r.active },
    ]),
  );
}

/**
 * Per stream, one point per bucket over the window (counts, error rate, p50/p99, throughput, queue
 * depth), with the config changes and gate decisions of the window to mark on the chart. Reads
 * rollups (by minute index; whole hours cached), depth samples and gate decisions (by time index).
 */
export async function readTimeSeries(
  prisma: PrismaClient,
  request: { window: TimeSeriesWindow; streams: readonly MetricStream[]; now?: Date },
): Promise<TimeSeries> {
  const now = request.now ?? new Date();
  const { windowMs, bucketMs } = TIME_SERIES_WINDOWS[request.window];
  const aligned = alignedBuckets(now, windowMs, bucketMs);
  const buckets = aligned.map((b) => b.from.getTime());
  const from = new Date(buckets[0] ?? now.getTime());
  const ranges = buckets.map((b) => ({ from: new Date(b), to: new Date(b + bucketMs) }));
  // Buckets of whole hours come from the hour cache; shorter ones in one grouped scan.
  const bucketSums =
    bucketMs % HOUR_MS === 0
      ? rollupHours(prisma).sum(ranges, now)
      : sumRollupBuckets(prisma, [{ from, to: now }], bucketMs).then((byStart) =>
          buckets.map((b) => byStart.get(b) ?? {}),
        );
  const [sums, depths, configChanges, gateDecisions, firstData] = await Promise.all([
    bucketSums,
    depthBuckets(prisma, from, now, bucketMs),
    readConfigChanges(prisma, from, now),
    readGateDecisions(prisma, from, now),
    firstRollupMinute(prisma),
  ]);
  const series = request.streams.map((stream) => ({
    stream,
    points: aligned.map((bucket, i): SeriesPoint => {
      const range = { from: bucket.from, to: bucket.to };
      const w = streamWindowOf(stream, sums[i] ?? {}, range, firstData);
      const system = stream === "SHADOW" ? null : stream;
      return {
        at: range.from,
        submitted: w.submitted,
        started: w.started,
        completed: w.completed,
        failed: w.failed,
        retried: w.retried,
        cancelled: w.cancelled,
        errorRate: w.errorRate,
        p50LatencyMs: w.p50LatencyMs,
        p99LatencyMs: w.p99LatencyMs,
        throughputPerMinute: w.throughputPerMinute,
        queueDepth: system ? (depths.get(`${system}|${range.from.getTime()}`) ?? null) : null,
      };
    }),
  }));
  return {
    window: request.window,
    from,
    to: now,
    bucketSeconds: bucketMs / 1000,
    pointAt: "bucket-start",
    dataFrom: firstData !== null && firstData.getTime() > from.getTime() ? firstData : null,
    series,
    annotations: { configChanges, gateDecisions },
  };
}
