import { DEFAULT_THRESHOLDS, type ThresholdMetric } from "../threshold-settings.ts";
import { at, between, duration } from "./evidence.ts";
import { minuteWindow } from "./phase-timeline.ts";
import {
  DEFAULT_PHASE_OPTIONS,
  type PhaseFacts,
  type PhaseOptions,
  type PhaseTimeline,
  type TimeSpan,
  type VerificationItem,
  type VerificationStatus,
  type WindowMeasure,
} from "./phase-types.ts";

/** A span as the verification sees it: its whole-minute window and that window's numbers. */
export type Judged =
  | { kind: "none" }
  /** Held less than a whole minute: no rollup belongs to it alone. */
  | { kind: "too-short"; span: TimeSpan }
  /** Ended before the metric retention: its rollups are pruned. */
  | { kind: "pruned"; span: TimeSpan }
  | {
      kind: "measured";
      span: TimeSpan;
      from: Date;
      to: Date;
      measure: WindowMeasure | undefined;
      when: string;
    };

export interface VerificationContext {
  timeline: PhaseTimeline;
  now: Date;
  options: PhaseOptions;
  comparisons: PhaseFacts["comparisons"];
  limits: {
    /** ERROR_RATE limit (fraction) and its minimum sample of finished orders. */
    errorRate: number;
    errorMinSample: number;
    /** P99_LATENCY_RATIO limit (× legacy p99) and its minimum sample (each system). */
    p99Ratio: number;
    p99MinSample: number;
  };
  judge(key: string, span: TimeSpan | null): Judged;
}

function setting(facts: PhaseFacts, metric: ThresholdMetric) {
  const current = facts.thresholds?.find((s) => s.metric === metric);
  return (
    current ?? (DEFAULT_THRESHOLDS.find((s) => s.metric === metric) as (typeof DEFAULT_THRESHOLDS)[number])
  );
}

export function verificationContext(facts: PhaseFacts, timeline: PhaseTimeline): VerificationContext {
  const options = { ...DEFAULT_PHASE_OPTIONS, ...facts.options };
  const retentionStart = facts.now.getTime() - options.retentionDays * 86_400_000;
  const errorRate = setting(facts, "ERROR_RATE");
  const p99 = setting(facts, "P99_LATENCY_RATIO");
  return {
    timeline,
    now: facts.now,
    options,
    comparisons: facts.comparisons,
    limits: {
      errorRate: errorRate.limit,
      errorMinSample: errorRate.minSample,
      p99Ratio: p99.limit,
      p99MinSample: p99.minSample,
    },
    judge(key, span) {
      if (!span) return { kind: "none" };
      const window = minuteWindow(span, facts.now);
      if (!window) return { kind: "too-short", span };
      if (window.to.getTime() <= retentionStart) return { kind: "pruned", span };
      const when = `${between(window, span.open)} (${duration(window.to.getTime() - window.from.getTime())})`;
      return { kind: "measured", span, ...window, measure: facts.measures[key], when };
    },
  };
}

/** Evidence for a span that cannot be measured, or null when it can. */
export function unmeasured(judged: Judged, what: string, retentionDays: number): string | null {
  if (judged.kind === "too-short")
    return `${what} held for less than a whole minute (from ${at(judged.span.from)}): no metrics belong to it alone yet.`;
  if (judged.kind === "pruned")
    return `${what} ended more than ${retentionDays} days ago: its metrics are past the retention.`;
  return null;
}

/** Worst first: any fail fails, else any pending is pending, else pass. */
export function worst(statuses: readonly VerificationStatus[]): VerificationStatus {
  if (statuses.includes("fail")) return "fail";
  if (statuses.includes("pending") || statuses.length === 0) return "pending";
  return "pass";
}

export function item(
  id: string,
  title: string,
  status: VerificationStatus,
  evidence: string[],
  live = true,
): VerificationItem {
  return { id, title, status, live, evidence };
}
