"use client";
import type { AppRouter, RouterOutputs } from "@qmc/api";
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { TRPCClient } from "@trpc/client";
import { formatPercent } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import type { TimeWindowKey } from "~/lib/time-window";
import { useTRPC } from "~/trpc/react";
import type { ChartMarker } from "./time-series-chart";

/** Series refresh with the figures, within 2 s of a change (one rollup read per refresh). */
export const SERIES_REFRESH_MS = 2_000;

/** One system's figures in one bucket of a series (the shape of comparison.stats per system). */
export interface SeriesSystem {
  system: "LEGACY" | "NEW";
  finished: number;
  failed: number;
  errorRate: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  throughputPerMinute: number;
}

export interface StatsBucket {
  from: Date;
  to: Date;
  systems: SeriesSystem[];
}

export interface StatsSeries {
  from: number;
  to: number;
  buckets: StatsBucket[];
}

type TimeSeries = RouterOutputs["health"]["timeSeries"];
type TimeSeriesPoint = TimeSeries["series"][number]["points"][number];

function systemFigures(system: "LEGACY" | "NEW", point: TimeSeriesPoint | undefined): SeriesSystem[] {
  if (!point) return [];
  return [
    {
      system,
      finished: point.completed + point.failed,
      failed: point.failed,
      errorRate: point.errorRate,
      p50Ms: point.p50LatencyMs,
      p99Ms: point.p99LatencyMs,
      throughputPerMinute: point.throughputPerMinute,
    },
  ];
}

/**
 * Error rate, p50/p99, throughput and finished orders per system over the window, from one
 * `health.timeSeries` read (minute rollups; bucket size chosen by the server for the window).
 * Keyed by the window, so a refresh replaces the chart in place.
 */
export function statsSeriesQuery(client: TRPCClient<AppRouter>, window: TimeWindowKey) {
  return queryOptions({
    queryKey: ["health.timeSeries.stats", { window }],
    queryFn: async (): Promise<StatsSeries> => {
      const ts = await client.health.timeSeries.query({ window, streams: ["LEGACY", "NEW"] });
      const bucketMs = ts.bucketSeconds * 1000;
      const pointsOf = (stream: "LEGACY" | "NEW") =>
        new Map(
          (ts.series.find((s) => s.stream === stream)?.points ?? []).map((p) => [
            new Date(p.at).getTime(),
            p,
          ]),
        );
      const legacy = pointsOf("LEGACY");
      const newSystem = pointsOf("NEW");
      const times = [...new Set([...legacy.keys(), ...newSystem.keys()])].sort((x, y) => x - y);
      const buckets = times.map((t) => ({
        from: new Date(t),
        to: new Date(t + bucketMs),
        systems: [...systemFigures("LEGACY", legacy.get(t)), ...systemFigures("NEW", newSystem.get(t))],
      }));
      return { from: new Date(ts.from).getTime(), to: new Date(ts.to).getTime(), buckets };
    },
  });
}

export function systemOf(bucket: StatsBucket, system: "LEGACY" | "NEW") {
  return bucket.systems.find((s) => s.system === system);
}

type Config = RouterOutputs["rollout"]["history"][number];
type Decision = RouterOutputs["guard"]["alerts"]["items"][number];

const onOff = (value: boolean) => (value ? "on" : "off");

function configDetail(c: Config): string {
  const state = c.legacyRetired
    ? "legacy retired"
    : `switch ${onOff(c.useNewQueueSystem)}, ${formatPercent(c.newQueueRolloutPercent)} to new, shadow ${onOff(c.shadowMode)}${c.paused ? ", paused" : ""}`;
  return `Config v${c.version} by ${c.actor}: ${state}. Why: ${c.reason}`;
}

const ACTION_WORDS: Record<string, string> = {
  PAUSE_ROLLOUT: "paused the rollout",
  ALERT: "raised an alert",
  REDUCE_CONCURRENCY: "reduced a worker's concurrency",
  RESTORE_CONCURRENCY: "restored a worker's concurrency",
};

export function actionWords(action: string): string {
  return ACTION_WORDS[action] ?? action.toLowerCase().replaceAll("_", " ");
}

function decisionLabel(d: Decision): string {
  if (d.action === "PAUSE_ROLLOUT") return "pause";
  if (d.action === "ALERT") return "alert";
  return "memory";
}

/** A guard decision's evidence (its stored inputs) on the Health page. */
export function decisionHref(id: string): string {
  return `/health?decision=${encodeURIComponent(id)}#decision`;
}

/** Config changes and guard decisions of the recent past, as chart markers (newest 100 of each). */
export function useChartMarkers(): ChartMarker[] {
  const trpc = useTRPC();
  const history = useQuery({ ...trpc.rollout.history.queryOptions({ limit: 100 }), ...liveQuery });
  const decisions = useQuery({ ...trpc.guard.alerts.queryOptions({ limit: 100 }), ...liveQuery });
  const configs: ChartMarker[] = (history.data ?? []).map((c) => ({
    id: `config-${c.version}`,
    at: new Date(c.createdAt).getTime(),
    kind: "config",
    label: `v${c.version}`,
    detail: configDetail(c),
  }));
  const guards: ChartMarker[] = (decisions.data?.items ?? []).map((d) => ({
    id: `guard-${d.id}`,
    at: new Date(d.at).getTime(),
    kind: "guard",
    label: decisionLabel(d),
    detail: `Health guard ${actionWords(d.action)} (${d.metric} on ${d.subject}): ${d.explanation}`,
    href: decisionHref(d.id),
  }));
  return [...configs, ...guards].sort((a, b) => a.at - b.at);
}
