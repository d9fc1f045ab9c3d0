import { NEW_SYSTEM_SUBJECT, NO_WORKERS_SUBJECT, type ThresholdEvaluation } from "./threshold-evaluation.ts";
import {
  effectiveMinSample,
  evaluateErrorRate,
  evaluateP99Ratio,
  evaluateQueueDepthGrowth,
  evaluateWorkerMemory,
} from "./threshold-rules.ts";
import { assertValidThresholdSetting, type ThresholdSetting } from "./threshold-settings.ts";
import type { WindowStats } from "./window-stats.ts";

function noData(
  setting: ThresholdSetting,
  stats: WindowStats,
  subject: string,
  explanation: string,
): ThresholdEvaluation {
  return {
    metric: setting.metric,
    subject,
    status: "insufficient-data",
    value: null,
    limit: setting.limit,
    sampleSize: 0,
    minSample: effectiveMinSample(setting),
    action: null,
    explanation,
    windowSeconds: stats.windowSeconds,
  };
}

function subjectsOf(setting: ThresholdSetting, stats: WindowStats): string[] {
  if (setting.metric !== "MEMORY_USAGE") return [NEW_SYSTEM_SUBJECT];
  return stats.workers.length > 0 ? stats.workers.map((w) => w.workerId) : [NO_WORKERS_SUBJECT];
}

function evaluateOne(setting: ThresholdSetting, stats: WindowStats): ThresholdEvaluation[] {
  if (setting.windowSeconds !== stats.windowSeconds) {
    // Statistics of another window would answer a different question; say so instead of guessing.
    const explanation = `This rule's window is ${setting.windowSeconds} s but the statistics cover ${stats.windowSeconds} s; compute statistics for ${setting.windowSeconds} s to evaluate it.`;
    return subjectsOf(setting, stats).map((subject) => noData(setting, stats, subject, explanation));
  }
  switch (setting.metric) {
    case "ERROR_RATE":
      return [evaluateErrorRate(setting, stats)];
    case "P99_LATENCY_RATIO":
      return [evaluateP99Ratio(setting, stats)];
    case "QUEUE_DEPTH_GROWTH":
      return [evaluateQueueDepthGrowth(setting, stats)];
    case "MEMORY_USAGE":
      if (stats.workers.length === 0) {
        return [
          noData(setting, stats, NO_WORKERS_SUBJECT, "No worker reported a memory reading in this window."),
        ];
      }
      return stats.workers.map((worker) => evaluateWorkerMemory(setting, stats, worker));
  }
}

/**
 * Evaluates the enabled settings against one window of statistics (DESIGN §5): one evaluation per
 * setting, and for MEMORY_USAGE one per worker (or one insufficient-data evaluation when no worker
 * reports). Pure: returns the evaluations; the caller stores those that act and applies the actions.
 *
 * A rule never acts without data: below its minimum sample, or when `stats` covers a different
 * window than the setting asks for (group settings with `thresholdWindows`), the status is
 * insufficient-data and the action null. Limits are strict: a value equal to the limit is ok.
 *
 * @throws DomainError INVALID_THRESHOLD for an invalid enabled setting (settings are validated on write).
 */
export function evaluateThresholds(
  settings: readonly ThresholdSetting[],
  stats: WindowStats,
): ThresholdEvaluation[] {
  const enabled = settings.filter((s) => s.enabled);
  for (const setting of enabled) assertValidThresholdSetting(setting);
  return enabled.flatMap((setting) => evaluateOne(setting, stats));
}
