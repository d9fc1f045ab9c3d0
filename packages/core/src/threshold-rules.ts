import {
  describeAction,
  evaluationBase,
  formatPercent,
  NEW_SYSTEM_SUBJECT,
  type ThresholdEvaluation,
} from "./threshold-evaluation.ts";
import { memoryRestoreLevel, type ThresholdSetting } from "./threshold-settings.ts";
import { queueDepthTrend, type WindowStats } from "./window-stats.ts";

/** Minimum span of depth samples: a slope over seconds is noise, not growth. */
export const MIN_DEPTH_SPAN_SECONDS = 60;

/**
 * The span the depth samples of a window must cover before growth is measured: a minute
 * ({@link MIN_DEPTH_SPAN_SECONDS}), or half the window when the window is shorter than two
 * minutes, so a short window can still be judged once it is half full.
 */
export function minDepthSpanSeconds(windowSeconds: number): number {
  return Math.min(MIN_DEPTH_SPAN_SECONDS, windowSeconds / 2);
}

/** What the error rate counts, said in every error-rate explanation and stored with decisions. */
export const ERROR_RATE_COUNTING =
  "finished = completed + failed orders; cancellations excluded; a retried attempt is not a failure";

/**
 * The minimum sample a rule really requires: `minSample` finished orders for the rate and latency
 * rules, at least 2 depth samples for queue growth, and one reading per worker for memory.
 */
export function effectiveMinSample(setting: ThresholdSetting): number {
  if (setting.metric === "MEMORY_USAGE") return 1;
  if (setting.metric === "QUEUE_DEPTH_GROWTH") return Math.max(2, setting.minSample);
  return setting.minSample;
}

type Measured = Pick<ThresholdEvaluation, "status" | "action" | "explanation">;

// Strictly greater than: a value equal to the limit is within it.
function judge(setting: ThresholdSetting, value: number, measured: string): Measured {
  if (value > setting.limit) {
    return {
      status: "breached",
      action: setting.action,
      explanation: `${measured}: ${describeAction(setting.action)}.`,
    };
  }
  return { status: "ok", action: null, explanation: `${measured}: within the limit.` };
}

/**
 * ERROR_RATE: failed ÷ finished of the new system, per order outcome ({@link ERROR_RATE_COUNTING});
 * needs `minSample` finished orders.
 */
export function evaluateErrorRate(setting: ThresholdSetting, stats: WindowStats): ThresholdEvaluation {
  const { finished, failed } = stats.newSystem;
  const value = finished > 0 ? failed / finished : null;
  const base = { ...evaluationBase(setting, stats.windowSeconds), subject: NEW_SYSTEM_SUBJECT, value };
  const sample = { sampleSize: finished, minSample: setting.minSample };
  if (value === null || finished < setting.minSample) {
    const explanation = `Only ${finished} orders finished on the new system in the last ${stats.windowSeconds} s; at least ${setting.minSample} are needed before the error rate can pass or trip the gate.`;
    return { ...base, ...sample, status: "insufficient-data", action: null, explanation };
  }
  const measured = `Error rate of the new system is ${formatPercent(value)} over the last ${stats.windowSeconds} s: ${failed} failed of ${finished} finished orders (${ERROR_RATE_COUNTING}); limit ${formatPercent(setting.limit)}`;
  return { ...base, ...sample, ...judge(setting, value, measured) };
}

/** "45 s", "6 min", "2 h 5 min" */
function age(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
}

const hhmm = (d: Date) => d.toISOString().slice(11, 16);

/**
 * P99_LATENCY_RATIO: new p99 ÷ legacy p99 over the same window; needs `minSample` in both systems.
 * When legacy lacks the sample in the window (at 100 % it finishes nothing), legacy's p99 over the
 * last earlier window that had it is the baseline, and the explanation says which and how old.
 */
export function evaluateP99Ratio(setting: ThresholdSetting, stats: WindowStats): ThresholdEvaluation {
  const newSystem = stats.newSystem;
  const here = stats.legacy;
  const baseline =
    here.finished < setting.minSample &&
    stats.legacy.baseline &&
    stats.legacy.baseline.finished >= setting.minSample
      ? stats.legacy.baseline
      : null;
  const legacy = baseline ? { finished: baseline.finished, p99LatencyMs: baseline.p99LatencyMs } : here;
  const newP99 = newSystem.p99LatencyMs;
  const legacyP99 = legacy.p99LatencyMs;
  const sampleSize = Math.min(newSystem.finished, legacy.finished);
  // A legacy p99 of 0 is no baseline: any ratio against it would be infinite.
  const value = newP99 !== null && legacyP99 !== null && legacyP99 > 0 ? newP99 / legacyP99 : null;
  const base = { ...evaluationBase(setting, stats.windowSeconds), subject: NEW_SYSTEM_SUBJECT, value };
  const sample = { sampleSize, minSample: setting.minSample };
  if (value === null || sampleSize < setting.minSample) {
    const why =
      here.finished < setting.minSample && !baseline
        ? `legacy finished ${here.finished} orders (at least ${setting.minSample} are needed) and no earlier legacy window had enough`
        : value === null
          ? "a p99 latency is missing for one system (or the legacy p99 is 0), so there is no baseline"
          : `${newSystem.finished} orders finished on the new system and ${legacy.finished} on legacy; each needs at least ${setting.minSample}`;
    const explanation = `Cannot compare p99 latencies over the last ${stats.windowSeconds} s: ${why}.`;
    return { ...base, ...sample, status: "insufficient-data", action: null, explanation };
  }
  const of = baseline
    ? ` measured ${hhmm(baseline.from)}–${hhmm(baseline.to)} UTC, ${age(baseline.ageSeconds)} ago (legacy finished ${here.finished} orders in the last ${stats.windowSeconds} s, so the baseline is its last window with ${setting.minSample}+)`
    : "";
  const measured = `p99 latency of the new system is ${newP99} ms, ${value.toFixed(2)}× the legacy p99 of ${legacyP99} ms${of} (limit ${setting.limit}×, ${sampleSize}+ orders each)`;
  return { ...base, ...sample, ...judge(setting, value, measured) };
}

/**
 * QUEUE_DEPTH_GROWTH: least-squares slope of the new system's queue depth, orders per minute;
 * needs max(2, minSample) samples spanning at least {@link minDepthSpanSeconds} of the window.
 */
export function evaluateQueueDepthGrowth(setting: ThresholdSetting, stats: WindowStats): ThresholdEvaluation {
  const trend = queueDepthTrend(stats.queueDepth.samples);
  const minSample = effectiveMinSample(setting);
  const sampleSize = trend?.samples ?? stats.queueDepth.samples.length;
  const value = trend?.perMinute ?? null;
  const base = { ...evaluationBase(setting, stats.windowSeconds), subject: NEW_SYSTEM_SUBJECT, value };
  const minSpan = minDepthSpanSeconds(stats.windowSeconds);
  if (trend === null || trend.samples < minSample || trend.spanSeconds < minSpan) {
    const span = trend === null ? 0 : Math.round(trend.spanSeconds);
    const explanation = `Queue depth has ${sampleSize} usable samples spanning ${span} s; at least ${minSample} samples over ${minSpan} s are needed to measure growth.`;
    return { ...base, sampleSize, minSample, status: "insufficient-data", action: null, explanation };
  }
  const sign = trend.perMinute >= 0 ? "+" : "";
  const measured = `Queue depth of the new system trends ${sign}${trend.perMinute.toFixed(1)} orders/min (least squares over ${trend.samples} samples, ${Math.round(trend.spanSeconds)} s), limit ${setting.limit}/min`;
  return { ...base, sampleSize, minSample, ...judge(setting, trend.perMinute, measured) };
}

/**
 * MEMORY_USAGE for one worker, with hysteresis: above the limit → the setting's action; when the
 * action is REDUCE_CONCURRENCY and a reduction is in force, strictly below the restore level →
 * RESTORE_CONCURRENCY; in between → hold (ok, no action).
 */
export function evaluateWorkerMemory(
  setting: ThresholdSetting,
  stats: WindowStats,
  worker: WindowStats["workers"][number],
): ThresholdEvaluation {
  const reading = worker.memoryUsedRatio;
  const valid = Number.isFinite(reading) && reading >= 0 && reading <= 1;
  const base = {
    ...evaluationBase(setting, stats.windowSeconds),
    subject: worker.workerId,
    minSample: effectiveMinSample(setting),
  };
  if (!valid) {
    const explanation = `Worker ${worker.workerId} reported an unusable memory reading (${reading}); expected a fraction from 0 to 1.`;
    return { ...base, value: null, sampleSize: 0, status: "insufficient-data", action: null, explanation };
  }
  const measured = `Worker ${worker.workerId} uses ${formatPercent(reading)} of its memory, limit ${formatPercent(setting.limit)}`;
  const withValue = { ...base, value: reading, sampleSize: 1 };
  if (reading > setting.limit || setting.action !== "REDUCE_CONCURRENCY" || !worker.concurrencyReduced) {
    return { ...withValue, ...judge(setting, reading, measured) };
  }
  const restore = memoryRestoreLevel(setting);
  if (reading < restore) {
    const explanation = `${measured}, below the restore level ${formatPercent(restore)}: ${describeAction("RESTORE_CONCURRENCY")}.`;
    return { ...withValue, status: "ok", action: "RESTORE_CONCURRENCY", explanation };
  }
  const explanation = `${measured}; concurrency stays reduced until usage is below ${formatPercent(restore)} (hysteresis).`;
  return { ...withValue, status: "ok", action: null, explanation };
}
