import type { ThresholdAction, ThresholdMetric, ThresholdSetting } from "./threshold-settings.ts";

/** Outcome of one rule: within the limit, over it, or not decidable on the data at hand. */
export type ThresholdStatus = "ok" | "breached" | "insufficient-data";

/** An action an evaluation prescribes; RESTORE_CONCURRENCY undoes a memory REDUCE_CONCURRENCY. */
export type EvaluationAction = ThresholdAction | "RESTORE_CONCURRENCY";

/** Subject of the system-wide rules: they watch the new system. */
export const NEW_SYSTEM_SUBJECT = "NEW";

/** Subject of the single memory evaluation emitted when no worker reports a reading. */
export const NO_WORKERS_SUBJECT = "(no workers)";

/**
 * The result of one rule for one subject, with everything needed to store and explain it: the
 * value, the limit, the sample it rests on and the prescribed action. Actions are level-triggered
 * (the same breach prescribes the same action each time): apply them idempotently.
 */
export interface ThresholdEvaluation {
  metric: ThresholdMetric;
  /** "NEW" for system-wide rules, a workerId for memory. */
  subject: string;
  status: ThresholdStatus;
  /** The measured value in the unit of the limit; null when it cannot be computed. */
  value: number | null;
  limit: number;
  sampleSize: number;
  /** The minimum sample actually required (see `ThresholdSetting`). */
  minSample: number;
  /** Null unless something must change; always null for insufficient-data. */
  action: EvaluationAction | null;
  /** One or two sentences for an operator: the numbers, the rule, the consequence. */
  explanation: string;
  /** Window of the statistics the evaluation used. */
  windowSeconds: number;
}

/** Shared fields of an evaluation built from a setting. */
export function evaluationBase(setting: ThresholdSetting, windowSeconds: number) {
  return { metric: setting.metric, limit: setting.limit, windowSeconds } as const;
}

/** Formats a fraction as a percentage: 0.0123 → "1.23 %". */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)} %`;
}

const ACTION_TEXT: Readonly<Record<EvaluationAction, string>> = {
  PAUSE_ROLLOUT: "pause the rollout (no increase until acknowledged)",
  ALERT: "raise an alert",
  REDUCE_CONCURRENCY: "reduce this worker's concurrency",
  RESTORE_CONCURRENCY: "restore this worker's concurrency",
};

/** Operator-facing wording of an action. */
export function describeAction(action: EvaluationAction): string {
  return ACTION_TEXT[action];
}
