import { DomainError } from "./errors.ts";

/** Metrics of the seed's monitoring table (DESIGN §5). */
export const THRESHOLD_METRICS = [
  "ERROR_RATE",
  "P99_LATENCY_RATIO",
  "QUEUE_DEPTH_GROWTH",
  "MEMORY_USAGE",
] as const;

/** A monitored metric. */
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number];

/** Automatic actions a breached threshold can prescribe. */
export const THRESHOLD_ACTIONS = ["PAUSE_ROLLOUT", "ALERT", "REDUCE_CONCURRENCY"] as const;

/** What to do when a threshold is breached. */
export type ThresholdAction = (typeof THRESHOLD_ACTIONS)[number];

/**
 * One editable monitoring rule. Units of `limit`: ERROR_RATE a fraction (0.01 = 1 %),
 * P99_LATENCY_RATIO a multiple of the legacy p99, QUEUE_DEPTH_GROWTH orders per minute,
 * MEMORY_USAGE a fraction of the worker's memory.
 *
 * `minSample` counts finished orders (each system) for ERROR_RATE and P99_LATENCY_RATIO, and depth
 * samples for QUEUE_DEPTH_GROWTH (at least 2 are always needed). For MEMORY_USAGE it means nothing:
 * each worker's latest reading is one sample and is enough.
 */
export interface ThresholdSetting {
  metric: ThresholdMetric;
  limit: number;
  action: ThresholdAction;
  windowSeconds: number;
  minSample: number;
  enabled: boolean;
  /**
   * MEMORY_USAGE only: reduced concurrency is restored once usage is strictly below this level
   * (hysteresis). Defaults to `limit − MEMORY_RESTORE_GAP`.
   */
  restoreBelow?: number;
  /**
   * MEMORY_USAGE only: how long usage must stay below the restore level before reduced
   * concurrency comes back. Defaults to {@link DEFAULT_MEMORY_HOLD_SECONDS}.
   */
  holdSeconds?: number;
}

/** The seed's restore level for memory: concurrency reduced above 90 % comes back below 80 %. */
export const MEMORY_RESTORE_BELOW = 0.8;

/** Distance between the memory limit and its default restore level, so an edited limit keeps a band. */
export const MEMORY_RESTORE_GAP = 0.1;

/** The seed's hold time: usage must stay below the restore level this long (seconds). */
export const DEFAULT_MEMORY_HOLD_SECONDS = 60;

/**
 * Shortest window per metric, in seconds. Error rate and p99 are read from minute rollups, so a
 * window under a minute would judge a partial minute; queue depth is sampled at every guard
 * evaluation (seconds apart), so it may watch a shorter window.
 */
export const MIN_WINDOW_SECONDS: Readonly<Record<ThresholdMetric, number>> = {
  ERROR_RATE: 60,
  P99_LATENCY_RATIO: 60,
  QUEUE_DEPTH_GROWTH: 20,
  MEMORY_USAGE: 60,
};

/** Default sliding window of every rule, in seconds. */
export const DEFAULT_THRESHOLD_WINDOW_SECONDS = 300;

/** Default minimum number of finished orders before a rate or latency rule may decide anything. */
export const DEFAULT_MIN_SAMPLE = 100;

/** The seed's four rules (migration plan, "Monitoring During Migration"). */
export const DEFAULT_THRESHOLDS: readonly Readonly<ThresholdSetting>[] = Object.freeze([
  {
    metric: "ERROR_RATE",
    limit: 0.01,
    action: "PAUSE_ROLLOUT",
    windowSeconds: 300,
    minSample: 100,
    enabled: true,
  },
  {
    metric: "P99_LATENCY_RATIO",
    limit: 2,
    action: "ALERT",
    windowSeconds: 300,
    minSample: 100,
    enabled: true,
  },
  {
    metric: "QUEUE_DEPTH_GROWTH",
    limit: 10,
    action: "ALERT",
    windowSeconds: 300,
    minSample: 2,
    enabled: true,
  },
  {
    metric: "MEMORY_USAGE",
    limit: 0.9,
    action: "REDUCE_CONCURRENCY",
    windowSeconds: 300,
    minSample: 1,
    enabled: true,
    restoreBelow: MEMORY_RESTORE_BELOW,
    holdSeconds: DEFAULT_MEMORY_HOLD_SECONDS,
  },
] satisfies ThresholdSetting[]);

/** The level strictly below which reduced memory concurrency is restored. */
export function memoryRestoreLevel(setting: ThresholdSetting): number {
  return setting.restoreBelow ?? Math.max(0, setting.limit - MEMORY_RESTORE_GAP);
}

/** Seconds usage must stay below the restore level before reduced memory concurrency is restored. */
export function memoryHoldSeconds(setting: ThresholdSetting): number {
  return setting.holdSeconds ?? DEFAULT_MEMORY_HOLD_SECONDS;
}

// Sane limits per metric: [min, max] inclusive.
const LIMIT_RANGE: Readonly<Record<ThresholdMetric, readonly [number, number, string]>> = {
  ERROR_RATE: [0, 1, "a fraction from 0 to 1 (0.01 = 1 %)"],
  P99_LATENCY_RATIO: [1, 100, "a multiple of the legacy p99 from 1 to 100"],
  QUEUE_DEPTH_GROWTH: [0, 1_000_000, "orders per minute from 0 to 1000000"],
  MEMORY_USAGE: [0.01, 1, "a fraction of memory from 0.01 to 1 (0.9 = 90 %)"],
};

function settingProblems(s: ThresholdSetting): string[] {
  if (!(THRESHOLD_METRICS as readonly string[]).includes(s.metric))
    return [`metric must be one of ${THRESHOLD_METRICS.join(", ")} (got ${JSON.stringify(s.metric)})`];
  const problems: string[] = [];
  const [min, max, unit] = LIMIT_RANGE[s.metric];
  if (!(Number.isFinite(s.limit) && s.limit >= min && s.limit <= max))
    problems.push(`limit of ${s.metric} must be ${unit} (got ${s.limit})`);
  if (!(THRESHOLD_ACTIONS as readonly string[]).includes(s.action))
    problems.push(`action must be one of ${THRESHOLD_ACTIONS.join(", ")} (got ${JSON.stringify(s.action)})`);
  else if (s.action === "REDUCE_CONCURRENCY" && s.metric !== "MEMORY_USAGE")
    problems.push("action REDUCE_CONCURRENCY applies to a worker and is only allowed for MEMORY_USAGE");
  const minWindow = MIN_WINDOW_SECONDS[s.metric];
  if (!(Number.isInteger(s.windowSeconds) && s.windowSeconds >= minWindow && s.windowSeconds <= 86_400))
    problems.push(`windowSeconds must be an integer from ${minWindow} to 86400 (got ${s.windowSeconds})`);
  if (!(Number.isInteger(s.minSample) && s.minSample >= 1 && s.minSample <= 1_000_000))
    problems.push(`minSample must be an integer from 1 to 1000000 (got ${s.minSample})`);
  if (typeof s.enabled !== "boolean")
    problems.push(`enabled must be true or false (got ${String(s.enabled)})`);
  if (s.restoreBelow !== undefined) {
    if (s.metric !== "MEMORY_USAGE") problems.push("restoreBelow is only meaningful for MEMORY_USAGE");
    else if (!(Number.isFinite(s.restoreBelow) && s.restoreBelow >= 0 && s.restoreBelow < s.limit))
      problems.push(`restoreBelow must be ≥ 0 and below the limit ${s.limit} (got ${s.restoreBelow})`);
  }
  if (s.holdSeconds !== undefined) {
    if (s.metric !== "MEMORY_USAGE") problems.push("holdSeconds is only meaningful for MEMORY_USAGE");
    else if (!(Number.isInteger(s.holdSeconds) && s.holdSeconds >= 0 && s.holdSeconds <= 86_400))
      problems.push(`holdSeconds must be an integer from 0 to 86400 (got ${s.holdSeconds})`);
  }
  return problems;
}

/**
 * Checks a threshold setting before it is stored or used.
 * @throws DomainError INVALID_THRESHOLD listing every problem found.
 */
export function assertValidThresholdSetting(setting: ThresholdSetting): void {
  const problems = settingProblems(setting);
  if (problems.length === 0) return;
  throw new DomainError("INVALID_THRESHOLD", `Invalid threshold setting: ${problems.join("; ")}`, {
    setting: { ...setting },
    problems,
  });
}

/** Distinct windows (seconds, ascending) of the enabled settings: the stats the caller must compute. */
export function thresholdWindows(settings: readonly ThresholdSetting[]): number[] {
  const windows = new Set(settings.filter((s) => s.enabled).map((s) => s.windowSeconds));
  return [...windows].sort((a, b) => a - b);
}
