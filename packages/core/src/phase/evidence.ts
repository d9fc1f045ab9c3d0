import type { MetricStream } from "../metrics/rollup-accumulator.ts";
import type { StreamWindow } from "../metrics/rollup-window.ts";
import type { WindowMeasure } from "./phase-types.ts";

/** 12,345 */
export const count = (n: number) => Math.round(n).toLocaleString("en-US");

/** A fraction as a percent with up to 2 decimals: 0.0123 → "1.23 %". */
export function percent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))} %`;
}

/** "2026-11-29 10:02 UTC" */
export function at(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "3 d 4 h", "2 h 5 min", "12 min", "40 s" (a stretch still in its first minute) */
export function duration(ms: number): string {
  if (ms < 59_500) return `${Math.max(0, Math.round(ms / 1000))} s`;
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return `${m} min`;
}

/** "from 2026-11-29 10:02 UTC to 2026-11-29 12:00 UTC" or "since 2026-11-29 10:02 UTC". */
export function between(window: { from: Date; to: Date }, open: boolean): string {
  return open ? `since ${at(window.from)}` : `from ${at(window.from)} to ${at(window.to)}`;
}

const EMPTY: StreamWindow = {
  stream: "NEW",
  submitted: 0,
  started: 0,
  completed: 0,
  failed: 0,
  cancelled: 0,
  retried: 0,
  finished: 0,
  errorRate: null,
  p50LatencyMs: null,
  p95LatencyMs: null,
  p99LatencyMs: null,
  p50RunTimeMs: null,
  p99RunTimeMs: null,
  throughputPerMinute: 0,
};

/** A stream of a measured window; no rollups read as zeros. */
export function streamOf(measure: WindowMeasure | undefined, stream: MetricStream): StreamWindow {
  return measure?.[stream] ?? { ...EMPTY, stream };
}

/** "error rate 0.4 % (4 of 1,000 finished), p99 812 ms" */
export function errorAndP99(w: StreamWindow): string {
  const rate = w.errorRate === null ? "no error rate" : `error rate ${percent(w.errorRate)}`;
  const p99 = w.p99LatencyMs === null ? "no p99" : `p99 ${count(w.p99LatencyMs)} ms`;
  return `${rate} (${count(w.failed)} of ${count(w.finished)} finished), ${p99}`;
}
