import { histogramCount, mergeHistograms, quantileMs } from "./latency-histogram.ts";
import type { MetricStream, MinuteRollup } from "./rollup-accumulator.ts";
import { throughputOf } from "./throughput.ts";

/** One stream's numbers over a window, merged from its minute rollups (every source summed). */
export interface StreamWindow {
  stream: MetricStream;
  submitted: number;
  started: number;
  completed: number;
  failed: number;
  cancelled: number;
  retried: number;
  /** Orders that reached an outcome that counts for the error rate: completed + failed. */
  finished: number;
  /** failed ÷ finished (per order outcome, not per attempt; cancellations are not errors). */
  errorRate: number | null;
  /** Submit → terminal state, ms. */
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p99LatencyMs: number | null;
  /** Attempt run time, ms. */
  p50RunTimeMs: number | null;
  p99RunTimeMs: number | null;
  /** Finished (completed + failed) orders per minute: `throughputOf`, cancellations apart. */
  throughputPerMinute: number;
}

/**
 * Merges the rollups of one stream that fall in [from, to) — minutes are included when they start
 * inside the window, so a window is aligned to whole minutes, the current one partial.
 * `firstDataAt` (the first rollup minute of all) keeps throughput from being averaged over time
 * before any order existed.
 */
export function streamWindow(
  stream: MetricStream,
  rows: readonly MinuteRollup[],
  window: { from: Date; to: Date; firstDataAt?: Date | null },
): StreamWindow {
  const inWindow = rows.filter(
    (r) =>
      r.stream === stream &&
      r.minute.getTime() >= window.from.getTime() - (window.from.getTime() % 60_000) &&
      r.minute.getTime() < window.to.getTime(),
  );
  const sum = (key: keyof MinuteRollup["counts"]) => inWindow.reduce((n, r) => n + r.counts[key], 0);
  const endToEnd = mergeHistograms(inWindow.map((r) => r.endToEnd));
  const runTime = mergeHistograms(inWindow.map((r) => r.runTime));
  const completed = sum("completed");
  const failed = sum("failed");
  const cancelled = sum("cancelled");
  const finished = completed + failed;
  return {
    stream,
    submitted: sum("submitted"),
    started: sum("started"),
    completed,
    failed,
    cancelled,
    retried: sum("retried"),
    finished,
    errorRate: finished > 0 ? failed / finished : null,
    p50LatencyMs: quantileMs(endToEnd, 0.5),
    p95LatencyMs: quantileMs(endToEnd, 0.95),
    p99LatencyMs: histogramCount(endToEnd) > 0 ? quantileMs(endToEnd, 0.99) : null,
    p50RunTimeMs: quantileMs(runTime, 0.5),
    p99RunTimeMs: quantileMs(runTime, 0.99),
    throughputPerMinute: throughputOf(finished, window, window.firstDataAt ?? null).perMinute,
  };
}
