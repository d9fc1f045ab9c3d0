import type { EvaluationAction, ThresholdEvaluation, ThresholdSetting } from "@qmc/core";

/** One rule's evaluation with what it was computed from, as the guard publishes and stores it. */
export interface GuardEvaluation extends ThresholdEvaluation {
  /** The rows the statistics were read from: [from, to). */
  window: { from: string; to: string };
  /** The measured numbers behind `value` (counts, p99s, depth samples, memory reading). */
  values: Record<string, unknown>;
  /** The rule as it stood when evaluated. */
  setting: ThresholdSetting;
}

/**
 * What a GateDecision stores in `inputs`: everything needed to explain it later without the
 * rollups it was computed from (which are pruned) — the values, the window, the sample and its
 * minimum, the threshold, the action and the explanation.
 */
export interface DecisionInputs {
  values: Record<string, unknown> & { value: number | null };
  window: { seconds: number; from: string; to: string };
  sample: { size: number; minimum: number };
  threshold: ThresholdSetting;
  action: EvaluationAction;
  explanation: string;
  evaluatedBy: string;
  evaluatedAt: string;
}

export function decisionInputs(
  evaluation: GuardEvaluation,
  action: EvaluationAction,
  evaluatedBy: string,
  evaluatedAt: Date,
): DecisionInputs {
  return {
    values: { value: evaluation.value, ...evaluation.values },
    window: { seconds: evaluation.windowSeconds, ...evaluation.window },
    sample: { size: evaluation.sampleSize, minimum: evaluation.minSample },
    threshold: evaluation.setting,
    action,
    explanation: evaluation.explanation,
    evaluatedBy,
    evaluatedAt: evaluatedAt.toISOString(),
  };
}
