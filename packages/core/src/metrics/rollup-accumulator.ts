import { emptyHistogram, type LatencyHistogram, observe } from "./latency-histogram.ts";

/** Which stream of orders a rollup counts: legacy, the new system's real orders, or its shadows. */
export type MetricStream = "LEGACY" | "NEW" | "SHADOW";

/** What happened to an order, as the process that saw it reports it. */
export type OrderMetricEvent =
  | { type: "submitted" }
  | { type: "started"; queueWaitMs: number }
  /** A terminal outcome: the order (not an attempt) completed, failed or was cancelled. */
  | { type: "completed" | "failed" | "cancelled"; runTimeMs: number | null; endToEndMs: number | null }
  /** An attempt failed and the order will run again. */
  | { type: "retried"; runTimeMs: number | null };

export const ROLLUP_COUNTERS = [
  "submitted",
  "started",
  "completed",
  "failed",
  "retried",
  "cancelled",
] as const;
export type RollupCounter = (typeof ROLLUP_COUNTERS)[number];

/** One stream's numbers for one minute, from one source: what a rollup row holds. */
export interface MinuteRollup {
  stream: MetricStream;
  /** Start of the minute (UTC, seconds and ms zero). */
  minute: Date;
  counts: Record<RollupCounter, number>;
  /** Submit (or retry due) → attempt start. */
  queueWait: LatencyHistogram;
  /** Attempt start → attempt end. */
  runTime: LatencyHistogram;
  /** Submit → terminal state. */
  endToEnd: LatencyHistogram;
}

export function minuteOf(at: Date | number): Date {
  const ms = typeof at === "number" ? at : at.getTime();
  return new Date(ms - (ms % 60_000));
}

function emptyRollup(stream: MetricStream, minute: Date): MinuteRollup {
  return {
    stream,
    minute,
    counts: { submitted: 0, started: 0, completed: 0, failed: 0, retried: 0, cancelled: 0 },
    queueWait: emptyHistogram(),
    runTime: emptyHistogram(),
    endToEnd: emptyHistogram(),
  };
}

/**
 * Counts order events in memory, per stream and minute, so the hot path adds no round trip: the
 * owner flushes `snapshot()` every few seconds. Rows are this source's running totals for the
 * minute (absolute, not deltas), so writing the same snapshot twice — a retried flush — changes
 * nothing; rows of several sources are summed when read.
 */
export class RollupAccumulator {
  private readonly minutes = new Map<string, MinuteRollup>();
  /** Minutes that changed since the last `snapshot()`. */
  private readonly dirty = new Set<string>();

  constructor(
    /** Minutes older than this many are dropped once flushed. @defaultValue 3 */
    private readonly keepMinutes = 3,
  ) {}

  record(stream: MetricStream, event: OrderMetricEvent, at: Date | number = Date.now()): void {
    const minute = minuteOf(at);
    const key = `${stream}|${minute.getTime()}`;
    let rollup = this.minutes.get(key);
    if (!rollup) {
      rollup = emptyRollup(stream, minute);
      this.minutes.set(key, rollup);
    }
    this.dirty.add(key);
    rollup.counts[event.type] += 1;
    if (event.type === "started") observe(rollup.queueWait, event.queueWaitMs);
    if (event.type === "submitted" || event.type === "started") return;
    if (event.runTimeMs !== null) observe(rollup.runTime, event.runTimeMs);
    if (event.type !== "retried" && event.endToEndMs !== null) observe(rollup.endToEnd, event.endToEndMs);
  }

  /**
   * The rows that changed since the last call (copies), and forgets minutes older than
   * `keepMinutes` that were already handed out. Call `restore()` with them if the flush fails.
   */
  snapshot(now: Date | number = Date.now()): MinuteRollup[] {
    const rows = [...this.dirty].flatMap((key) => {
      const rollup = this.minutes.get(key);
      return rollup ? [structuredClone(rollup)] : [];
    });
    this.dirty.clear();
    const oldest = minuteOf(now).getTime() - this.keepMinutes * 60_000;
    for (const [key, rollup] of this.minutes) {
      if (rollup.minute.getTime() < oldest) this.minutes.delete(key);
    }
    return rows;
  }

  /** A flush failed: these rows must go out again with the next one. */
  restore(rows: readonly MinuteRollup[]): void {
    for (const row of rows) {
      const key = `${row.stream}|${row.minute.getTime()}`;
      if (!this.minutes.has(key)) this.minutes.set(key, structuredClone(row));
      this.dirty.add(key);
    }
  }
}
