"use client";
import type { AppRouter, RouterOutputs } from "@qmc/api";
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { TRPCClient } from "@trpc/client";
import { formatPercent } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import { type TimeWindowKey, timeWindow } from "~/lib/time-window";
import { useTRPC } from "~/trpc/react";
import type { ChartMarker } from "./time-series-chart";

/** Buckets per chart: enough to see a trend, few enough for two batched requests. */
export const SERIES_BUCKETS = 12;

/** Series refresh with the figures, within 2 s of a change (twelve cheap rollup windows each). */
export const SERIES_REFRESH_MS = 2_000;

export type StatsBucket = RouterOutputs["comparison"]["stats"];

export interface StatsSeries {
  from: number;
  to: number;
  buckets: StatsBucket[];
}

/**
 * comparison.stats for each twelfth of the window, ending now at each refresh: error rate, p50/p99,
 * throughput and finished orders per system over time, from the same figures as the side-by-side
 * table. Keyed by the window, so a refresh replaces the chart in place.
 */
export function statsSeriesQuery(client: TRPCClient<AppRouter>, window: TimeWindowKey) {
  return queryOptions({
    queryKey: ["comparison.stats.series", { window }],
    queryFn: async (): Promise<StatsSeries> => {
      const to = Date.now();
      const span = timeWindow(window).ms;
      const step = span / SERIES_BUCKETS;
      const from = to - span;
      const buckets = await Promise.all(
        Array.from({ length: SERIES_BUCKETS }, (_, i) =>
          client.comparison.stats.query({
            from: new Date(from + i * step),
            to: new Date(from + (i + 1) * step),
          }),
        ),
      );
      return { from, to, buckets };
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
