import {
  type ConfigPoint,
  evaluatePhase,
  type MetricStream,
  type PhaseOptions,
  type PhaseReport,
  phaseTimeline,
  phaseWindows,
  type ThresholdSetting,
  type WindowMeasure,
} from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import { shadowConsistency } from "../shadow/shadow-comparator.ts";
import { rollupHours } from "./rollup-hour-cache.ts";
import { streamWindowOf } from "./rollup-sums.ts";

const STREAMS: readonly MetricStream[] = ["LEGACY", "NEW", "SHADOW"];

/** Every config version, oldest first, without the salt (phases never need it). */
export async function readConfigHistory(prisma: PrismaClient): Promise<ConfigPoint[]> {
  const rows = await prisma.queueConfig.findMany({
    orderBy: { version: "asc" },
    select: {
      version: true,
      createdAt: true,
      useNewQueueSystem: true,
      shadowMode: true,
      rolloutBasisPoints: true,
      legacyRetired: true,
      paused: true,
      actor: true,
    },
  });
  return rows.map((r) => ({
    version: r.version,
    at: r.createdAt,
    useNewQueueSystem: r.useNewQueueSystem,
    shadowMode: r.shadowMode,
    percent: r.rolloutBasisPoints / 100,
    legacyRetired: r.legacyRetired,
    paused: r.paused,
    actor: r.actor,
  }));
}

/** The stored threshold settings (the core's defaults stand in for missing ones). */
export async function readPhaseThresholds(prisma: PrismaClient): Promise<ThresholdSetting[]> {
  const rows = await prisma.thresholdSetting.findMany();
  return rows.map((r) => ({
    metric: r.metric,
    limit: r.limit,
    action: r.action,
    windowSeconds: r.windowSeconds,
    minSample: r.minSample,
    enabled: r.enabled,
    ...(r.restoreBelow === null ? {} : { restoreBelow: r.restoreBelow }),
  }));
}

/** Before the first config version is written, the migration is where a fresh install starts. */
function orInitial(history: ConfigPoint[], now: Date): ConfigPoint[] {
  if (history.length > 0) return history;
  return [
    {
      version: 0,
      at: now,
      useNewQueueSystem: false,
      shadowMode: false,
      percent: 0,
      legacyRetired: false,
      paused: false,
      actor: "system",
    },
  ];
}

/**
 * Gathers the facts of the phase verdict — config history (small), threshold settings, rollup
 * sums of each window the core asks for (by minute index, whole hours cached) and shadow
 * comparisons per outcome since shadow mode first went on (by comparedAt index) — and evaluates.
 * Never reads orders, attempts or transitions.
 */
export async function readPhaseReport(
  prisma: PrismaClient,
  now: Date = new Date(),
  options: Partial<PhaseOptions> = {},
): Promise<PhaseReport> {
  const [stored, thresholds] = await Promise.all([readConfigHistory(prisma), readPhaseThresholds(prisma)]);
  const history = orInitial(stored, now);
  const timeline = phaseTimeline(history, now);
  const windows = phaseWindows(timeline, now);
  const [sums, comparisons] = await Promise.all([
    rollupHours(prisma).sum(windows, now),
    timeline.shadowSince
      ? shadowConsistency(prisma, timeline.shadowSince, new Date(now.getTime() + 1))
      : null,
  ]);
  const measures: Record<string, WindowMeasure> = {};
  windows.forEach((window, i) => {
    const windowSums = sums[i] ?? {};
    measures[window.key] = Object.fromEntries(
      STREAMS.map((stream) => [stream, streamWindowOf(stream, windowSums, window)]),
    ) as WindowMeasure;
  });
  return evaluatePhase({
    now,
    history,
    measures,
    comparisons: comparisons && { compared: comparisons.compared, matched: comparisons.matched },
    thresholds,
    options,
  });
}
