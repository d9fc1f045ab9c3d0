import type { RouterOutputs } from "@qmc/api";
import type { StatusTone } from "~/components/status-badge";
import { formatCount, formatPerMinute, formatRatio, formatSeconds, NO_DATA } from "~/lib/format";

export type ThresholdTable = RouterOutputs["guard"]["thresholds"];
export type ThresholdRule = ThresholdTable["rules"][number];
export type RuleEvaluation = ThresholdRule["evaluations"][number];
export type Metric = ThresholdRule["metric"];
export type Decision = RouterOutputs["guard"]["alerts"]["items"][number];
export type DecisionDetail = RouterOutputs["guard"]["decision"];

/** What each rule watches, in words (DESIGN §5). */
export const METRIC_NAME: Record<Metric, string> = {
  ERROR_RATE: "Error rate of the new system",
  P99_LATENCY_RATIO: "p99 latency of the new system vs legacy",
  QUEUE_DEPTH_GROWTH: "Queue depth growth",
  MEMORY_USAGE: "Memory use on a worker",
};

/** A rule's value in its unit: a fraction as %, a ratio as ×, growth in orders/min. */
export function formatMetric(metric: Metric, value: number | null | undefined): string {
  if (value === null || value === undefined) return NO_DATA;
  switch (metric) {
    case "ERROR_RATE":
    case "MEMORY_USAGE":
      return formatRatio(value);
    case "P99_LATENCY_RATIO":
      return `${Math.round(value * 100) / 100}× legacy p99`;
    case "QUEUE_DEPTH_GROWTH":
      return formatPerMinute(value);
  }
}

export function formatLimit(metric: Metric, limit: number): string {
  return `above ${formatMetric(metric, limit)}`;
}

export const STATUS_WORDS: Record<RuleEvaluation["status"], { tone: StatusTone; text: string }> = {
  ok: { tone: "ok", text: "Within limit" },
  breached: { tone: "bad", text: "Breached" },
  "insufficient-data": { tone: "unknown", text: "Not enough data" },
};

const ACTION_WORDS: Record<string, string> = {
  PAUSE_ROLLOUT: "Pause the rollout",
  ALERT: "Alert",
  REDUCE_CONCURRENCY: "Halve that worker's concurrency",
  RESTORE_CONCURRENCY: "Restore that worker's concurrency",
};

/** What an alert asks of the operator, per rule, as the migration plan words it. */
const ALERT_ASKS: Record<string, string> = {
  P99_LATENCY_RATIO: "Alert: investigate",
  QUEUE_DEPTH_GROWTH: "Alert: check the scheduler",
};

export function actionName(action: string, metric?: string): string {
  if (action === "ALERT" && metric && ALERT_ASKS[metric]) return ALERT_ASKS[metric];
  return ACTION_WORDS[action] ?? action;
}

export const DECISION_STATUS: Record<Decision["status"], { tone: StatusTone; text: string }> = {
  OPEN: { tone: "bad", text: "Open" },
  ACKNOWLEDGED: { tone: "warn", text: "Acknowledged" },
  RESOLVED: { tone: "ok", text: "Resolved" },
};

export function windowWords(seconds: number): string {
  return `last ${formatSeconds(seconds)}`;
}

export function sampleWords(size: number, minimum: number): string {
  return `${formatCount(size)} of at least ${formatCount(minimum)}`;
}

/** Where a decision's evidence is shown: this page, with the decision open. */
export function decisionLink(id: string): string {
  return `/health?decision=${encodeURIComponent(id)}#decision`;
}

/** The earlier legacy window a p99 evaluation compared with (the guard stores it in its values). */
interface LegacyBaseline {
  p99Ms: number;
  finished: number;
  from: string;
  to: string;
  ageSeconds: number;
}

function isBaseline(value: unknown): value is LegacyBaseline {
  const b = value as Partial<LegacyBaseline> | null;
  return typeof b?.p99Ms === "number" && typeof b.from === "string" && typeof b.to === "string";
}

const hhmm = (iso: string) => new Date(iso).toISOString().slice(11, 16);

/**
 * "vs legacy's p99 of 100 ms measured 15:02–15:07 UTC, 6 min ago (the last window with 100+ legacy
 * orders; this one had 0)": said beside a p99 ratio whose baseline is not the live window's.
 */
export function baselineWords(values: Record<string, unknown> | undefined): string | null {
  const baseline = values?.legacyBaseline;
  if (!isBaseline(baseline)) return null;
  const legacyNow = typeof values?.legacyFinished === "number" ? values.legacyFinished : 0;
  return `vs legacy's p99 of ${formatCount(baseline.p99Ms)} ms measured ${hhmm(baseline.from)}–${hhmm(baseline.to)} UTC, ${formatSeconds(baseline.ageSeconds)} ago: the last window with enough legacy orders (${formatCount(baseline.finished)}; this one had ${formatCount(legacyNow)})`;
}
