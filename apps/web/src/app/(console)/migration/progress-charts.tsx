"use client";
import { useQuery } from "@tanstack/react-query";
import {
  SERIES_REFRESH_MS,
  type StatsSeries,
  statsSeriesQuery,
  systemOf,
  useChartMarkers,
} from "~/components/charts/chart-data";
import { MarkerList } from "~/components/charts/marker-list";
import { type SeriesPoint, TimeSeriesChart } from "~/components/charts/time-series-chart";
import { LiveData } from "~/components/live-data";
import { formatCount, formatPercent } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import type { TimeWindowKey } from "~/lib/time-window";
import { useTRPC, useTRPCClient } from "~/trpc/react";

export const HISTORY_FOR_CHART = 200;

type Config = {
  createdAt: Date;
  useNewQueueSystem: boolean;
  newQueueRolloutPercent: number;
  legacyRetired: boolean;
};

/** The share of new orders that went to the new system under a config version. */
function effectivePercent(c: Config): number {
  if (c.legacyRetired) return 100;
  return c.useNewQueueSystem ? c.newQueueRolloutPercent : 0;
}

/** A step line over the window: the version in force at its start, then each change. */
function percentPoints(history: Config[], from: number, to: number): SeriesPoint[] {
  const ordered = [...history].sort(
    (a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime(),
  );
  const before = ordered.filter((c) => new Date(c.createdAt).getTime() <= from).at(-1);
  const inside = ordered.filter((c) => new Date(c.createdAt).getTime() > from);
  const points: SeriesPoint[] = [];
  if (before) points.push({ t: from, new: effectivePercent(before) });
  for (const c of inside) points.push({ t: new Date(c.createdAt).getTime(), new: effectivePercent(c) });
  const last = points.at(-1);
  if (last) points.push({ t: to, new: last.new ?? null });
  return points;
}

function ordersPoints(series: StatsSeries): SeriesPoint[] {
  return series.buckets.map((b) => ({
    t: new Date(b.to).getTime(),
    legacy: systemOf(b, "LEGACY")?.finished ?? null,
    new: systemOf(b, "NEW")?.finished ?? null,
  }));
}

/** Orders of one system that finished (completed or failed) in the whole window. */
function finishedIn(series: StatsSeries, system: "LEGACY" | "NEW"): number {
  return series.buckets.reduce((sum, b) => sum + (systemOf(b, system)?.finished ?? 0), 0);
}

/** Rollout percent over time, orders per system over time, and the legacy backlog now. */
export function ProgressCharts({ window }: { window: TimeWindowKey }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const series = useQuery({
    ...statsSeriesQuery(client, window),
    ...liveQuery,
    refetchInterval: SERIES_REFRESH_MS,
  });
  const history = useQuery({
    ...trpc.rollout.history.queryOptions({ limit: HISTORY_FOR_CHART }),
    ...liveQuery,
  });
  const depths = useQuery({ ...trpc.system.queueDepths.queryOptions(), ...liveQuery });
  const markers = useChartMarkers();
  return (
    <section className="card" aria-labelledby="progress-title">
      <h2 id="progress-title">Progress over time</h2>
      <LiveData query={series} what="the progress charts">
        {(s) => (
          <>
            <div className="grid">
              <figure className="chart-figure">
                <figcaption>Share of new orders routed to the new system</figcaption>
                <TimeSeriesChart
                  points={percentPoints(history.data ?? [], s.from, s.to)}
                  from={s.from}
                  to={s.to}
                  format={formatPercent}
                  systems={["new"]}
                  names={{ new: "Routed to new" }}
                  markers={markers}
                  step
                />
              </figure>
              <figure className="chart-figure">
                <figcaption>Orders finished per system</figcaption>
                <TimeSeriesChart
                  points={ordersPoints(s)}
                  from={s.from}
                  to={s.to}
                  format={formatCount}
                  markers={markers}
                />
              </figure>
            </div>
            <MarkerList markers={markers} from={s.from} to={s.to} />
            <dl className="big-numbers" data-testid="orders-finished">
              {(["LEGACY", "NEW"] as const).map((system) => (
                <div key={system}>
                  <dt>{system === "LEGACY" ? "legacy" : "new system"}: orders finished in this window</dt>
                  <dd data-testid={`orders-finished-${system.toLowerCase()}`}>
                    {formatCount(finishedIn(s, system))}
                  </dd>
                </div>
              ))}
            </dl>
          </>
        )}
      </LiveData>
      <h3>Legacy backlog now</h3>
      <LiveData query={depths} what="the legacy backlog">
        {(d) => (
          <dl className="big-numbers" data-testid="legacy-backlog">
            {(["queued", "building", "running"] as const).map((status) => (
              <div key={status}>
                <dt>{status}</dt>
                <dd>{formatCount(d.orders.LEGACY[status] ?? 0)}</dd>
              </div>
            ))}
            <div>
              <dt>jobs waiting in the legacy queue</dt>
              <dd>{formatCount((d.jobs.LEGACY.waiting ?? 0) + (d.jobs.LEGACY.prioritized ?? 0))}</dd>
            </div>
          </dl>
        )}
      </LiveData>
    </section>
  );
}
