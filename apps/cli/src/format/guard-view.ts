import type { RouterOutputs } from "@qmc/api";
import { block, dotted, formatAge, formatWhen, plain, quoted } from "./text.ts";

type Thresholds = RouterOutputs["guard"]["thresholds"];
type Decision = RouterOutputs["guard"]["alerts"]["items"][number];
type Metric = Thresholds["rules"][number]["metric"];

const METRIC_NAMES: Record<Metric, string> = {
  ERROR_RATE: "error rate",
  P99_LATENCY_RATIO: "p99 vs legacy",
  QUEUE_DEPTH_GROWTH: "queue depth growth",
  MEMORY_USAGE: "memory",
};

/** A rule's value in its own unit: fractions as percents, ratios as ×, growth per minute. */
export function formatMetricValue(metric: Metric, value: number): string {
  switch (metric) {
    case "ERROR_RATE":
    case "MEMORY_USAGE":
      return `${Number((value * 100).toFixed(2))} %`;
    case "P99_LATENCY_RATIO":
      return `×${Number(value.toFixed(2))}`;
    case "QUEUE_DEPTH_GROWTH":
      return `${value >= 0 ? "+" : ""}${Number(value.toFixed(1))} orders/min`;
  }
}

/** Columns padded to their widest cell, the last one left free. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("   ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** `qmc thresholds`: each rule with its limit and, per subject, the guard's latest value. */
export function thresholdsView(t: Thresholds, now: Date): string {
  const evaluated = t.evaluatedAt
    ? `${formatWhen(t.evaluatedAt, now)} by ${plain(t.evaluatedBy ?? "?", 60)}${t.stale ? " — stale: no guard evaluated for 3 intervals" : ""}`
    : "never — no worker runs the guard (GUARD_ENABLED)";
  const rows = t.rules.map((rule) => [
    METRIC_NAMES[rule.metric],
    `${formatMetricValue(rule.metric, rule.limit)}`,
    `${rule.windowSeconds} s`,
    String(rule.minSample),
    rule.action,
    rule.enabled ? "on" : "off",
    rule.evaluations.length
      ? rule.evaluations
          .map((e) =>
            dotted([
              `${plain(e.subject, 40)} ${e.value === null ? "—" : formatMetricValue(rule.metric, e.value)}`,
              e.status,
            ]),
          )
          .join("; ")
      : "—",
  ]);
  return `${block([["Evaluated", evaluated]])}\n\n${table(["rule", "limit", "window", "min sample", "action", "on", "now"], rows)}`;
}

/** `qmc alerts`: one row per decision, newest first, with the id `qmc ack` takes. */
export function alertsView(items: Decision[], now: Date): string {
  if (items.length === 0) return "No unresolved decisions.";
  return table(
    ["when", "status", "rule", "subject", "action", "id", "why"],
    items.map((d) => [
      formatAge(d.at, now),
      d.status,
      METRIC_NAMES[d.metric],
      plain(d.subject, 40),
      d.action,
      d.id,
      plain(d.explanation, 100),
    ]),
  );
}

/** One decision after `qmc ack`. */
export function decisionView(d: Decision, now: Date): string {
  const ack =
    d.acknowledgedAt && d.acknowledgedBy
      ? `${formatWhen(d.acknowledgedAt, now)} by ${plain(d.acknowledgedBy, 80)}: ${quoted(d.acknowledgedReason ?? "", 80)}`
      : null;
  return block([
    ["Decision", dotted([d.id, d.status])],
    ["Was", `${METRIC_NAMES[d.metric]} ${plain(d.subject, 40)}: ${plain(d.explanation, 200)} → ${d.action}`],
    ...(ack ? [["Acknowledged", ack] as const] : []),
  ]);
}
