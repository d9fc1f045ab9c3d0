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
