import { type MetricStream, PHASE_NAMES, type PhaseNumber, phaseSummary, phaseTimeline } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import { type ConsistencyRate, shadowConsistency } from "../shadow/shadow-comparator.ts";
import { firstRollupMinute } from "./first-data.ts";
import { readConfigHistory } from "./phase-reader.ts";
import { rollupHours } from "./rollup-hour-cache.ts";
import { streamWindowOf } from "./rollup-sums.ts";

const MINUTE_MS = 60_000;

export const OVERVIEW_WINDOWS = {
  "15m": 15 * MINUTE_MS,
  "1h": 60 * MINUTE_MS,
  "6h": 360 * MINUTE_MS,
  "24h": 1440 * MINUTE_MS,
} as const;

export type OverviewWindow = keyof typeof OVERVIEW_WINDOWS;

export interface SystemSummary {
  stream: MetricStream;
  submitted: number;
  finished: number;
  failed: number;
  errorRate: number | null;
  p50LatencyMs: number | null;
  p99LatencyMs: number | null;
  throughputPerMinute: number;
  /** The latest queue depth sample of the system (SHADOW shares the new system's queue: null). */
  queueDepth: { waiting: number; delayed: number; active: number; at: Date } | null;
}

/** The Overview page in one call: routing now, the phase, each system's numbers, alerts, workers. */
export interface Overview {
  window: { name: OverviewWindow; from: Date; to: Date };
  routing: {
    version: number;
    useNewQueueSystem: boolean;
    shadowMode: boolean;
    percent: number;
    paused: boolean;
    pausedReason: string | null;
    legacyRetired: boolean;
    changedAt: Date;
    changedBy: string;
    reason: string;
  } | null;
  phase: { phase: PhaseNumber; name: string; since: Date; summary: string };
  systems: SystemSummary[];
  shadow: ConsistencyRate;
  alerts: { open: number; acknowledged: number };
  workers: { alive: number; total: number; slotsInUse: number; slotsTotal: number };
}

const STREAMS: readonly MetricStream[] = ["LEGACY", "NEW", "SHADOW"];

async function latestDepth(prisma: PrismaClient, system: "LEGACY" | "NEW") {
  return prisma.queueDepthSample.findFirst({
    where: { system },
    orderBy: { at: "desc" },
    select: { waiting: true, delayed: true, active: true, at: true },
  });
}

export async function readOverview(
  prisma: PrismaClient,
  options: { window: OverviewWindow; staleAfterMs: number; now?: Date },
): Promise<Overview> {
  const now = options.now ?? new Date();
  const from = new Date(now.getTime() - OVERVIEW_WINDOWS[options.window]);
  const [history, live, [sums], legacyDepth, newDepth, shadow, alerts, workers, firstData] =
    await Promise.all([
      readConfigHistory(prisma),
      prisma.queueConfig.findFirst({
        orderBy: { version: "desc" },
        select: {
          version: true,
          useNewQueueSystem: true,
          shadowMode: true,
          rolloutBasisPoints: true,
          paused: true,
          pausedReason: true,
          legacyRetired: true,
          createdAt: true,
          actor: true,
          reason: true,
        },
      }),
      rollupHours(prisma).sum([{ from, to: now }], now),
      latestDepth(prisma, "LEGACY"),
      latestDepth(prisma, "NEW"),
      shadowConsistency(prisma, from, now),
      prisma.gateDecision.groupBy({
        by: ["status"],
        where: { status: { in: ["OPEN", "ACKNOWLEDGED"] } },
        _count: true,
      }),
      prisma.workerHeartbeat.findMany({
        take: 200,
        select: { lastSeenAt: true, stoppedAt: true, slotsInUse: true, slotsTotal: true },
      }),
      firstRollupMinute(prisma),
    ]);
  const timeline = history.length > 0 ? phaseTimeline(history, now) : null;
  const staleBefore = now.getTime() - options.staleAfterMs;
  const alive = workers.filter((w) => w.stoppedAt === null && w.lastSeenAt.getTime() > staleBefore);
  const depthOf = (stream: MetricStream) =>
    stream === "LEGACY" ? legacyDepth : stream === "NEW" ? newDepth : null;
  return {
    window: { name: options.window, from, to: now },
    routing: live
      ? {
          version: live.version,
          useNewQueueSystem: live.useNewQueueSystem,
          shadowMode: live.shadowMode,
          percent: live.rolloutBasisPoints / 100,
          paused: live.paused,
          pausedReason: live.pausedReason,
          legacyRetired: live.legacyRetired,
          changedAt: live.createdAt,
          changedBy: live.actor,
          reason: live.reason,
        }
      : null,
    phase: timeline
      ? {
          phase: timeline.phase,
          name: PHASE_NAMES[timeline.phase],
          since: timeline.phaseSince,
          summary: phaseSummary(timeline),
        }
      : {
          phase: 1,
          name: PHASE_NAMES[1],
          since: now,
          summary: "Phase 1, parallel implementation: no configuration has been written yet.",
        },
    systems: STREAMS.map((stream) => {
      const w = streamWindowOf(stream, sums ?? {}, { from, to: now }, firstData);
      return {
        stream,
        submitted: w.submitted,
        finished: w.finished,
        failed: w.failed,
        errorRate: w.errorRate,
        p50LatencyMs: w.p50LatencyMs,
        p99LatencyMs: w.p99LatencyMs,
        throughputPerMinute: w.throughputPerMinute,
        queueDepth: depthOf(stream) ?? null,
      };
    }),
    shadow,
    alerts: {
      open: alerts.find((a) => a.status === "OPEN")?._count ?? 0,
      acknowledged: alerts.find((a) => a.status === "ACKNOWLEDGED")?._count ?? 0,
    },
    workers: {
      alive: alive.length,
      total: workers.length,
      slotsInUse: alive.reduce((n, w) => n + w.slotsInUse, 0),
      slotsTotal: alive.reduce((n, w) => n + w.slotsTotal, 0),
    },
  };
}
