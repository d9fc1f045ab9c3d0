"use client";
import type { RouterOutputs } from "@qmc/api";
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
import { formatCount, formatMs, formatPerMinute, formatRatio } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import type { TimeWindowKey } from "~/lib/time-window";
import { useTRPC, useTRPCClient } from "~/trpc/react";

type Measure = "errorRate" | "p50Ms" | "p99Ms" | "throughputPerMinute";

type TimeSeries = RouterOutputs["health"]["timeSeries"];

/** Jobs waiting (and delayed) in each queue, sampled by the guard, per bucket; null where none was taken. */
function depthPointsOf(series: TimeSeries): SeriesPoint[] {
  const byStream = (stream: "LEGACY" | "NEW") => series.series.find((x) => x.stream === stream)?.points ?? [];
  const legacy = byStream("LEGACY");
  const fresh = byStream("NEW");
  const queued = (p: TimeSeries["series"][number]["points"][number] | undefined) =>
    p?.queueDepth ? p.queueDepth.waiting + p.queueDepth.delayed : null;
  return legacy.map((p, i) => ({ t: new Date(p.at).getTime(), legacy: queued(p), new: queued(fresh[i]) }));
}

/** Queue depth over the window, from health.timeSeries (the guard's depth samples). */
function QueueDepthOverTime({ window }: { window: TimeWindowKey }) {
  const trpc = useTRPC();
  const markers = useChartMarkers();
  const query = useQuery({
    ...trpc.health.timeSeries.queryOptions({ window, streams: ["LEGACY", "NEW"] }),
    ...liveQuery,
    refetchInterval: SERIES_REFRESH_MS,
  });
  return (
    <figure className="chart-figure">
      <figcaption>Queue depth (jobs waiting)</figcaption>
      <LiveData query={query} what="the queue depth over time">
        {(s) => (
          <TimeSeriesChart
            points={depthPointsOf(s)}
            from={new Date(s.from).getTime()}
            to={new Date(s.to).getTime()}
            format={(v) => formatCount(v)}
            markers={markers}
          />
        )}
      </LiveData>
    </figure>
  );
}

function pointsOf(series: StatsSeries, measure: Measure): SeriesPoint[] {
  return series.buckets.map((b) => ({
    t: new Date(b.to).getTime(),
    legacy: systemOf(b, "LEGACY")?.[measure] ?? null,
    new: systemOf(b, "NEW")?.[measure] ?? null,
  }));
}

/** Error rate, p50, p99 and throughput over the window; config changes and guard decisions marked. */
export function ComparisonCharts({ window }: { window: TimeWindowKey }) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const series = useQuery({
    ...statsSeriesQuery(client, window),
    ...liveQuery,
    refetchInterval: SERIES_REFRESH_MS,
  });
  const thresholds = useQuery({ ...trpc.guard.thresholds.queryOptions(), ...liveQuery });
  const markers = useChartMarkers();
  const limitOf = (metric: string) => thresholds.data?.rules.find((r) => r.metric === metric);
  const errorRule = limitOf("ERROR_RATE");
  return (
    <section className="card" aria-labelledby="charts-title">
      <h2 id="charts-title">Over time</h2>
      <LiveData query={series} what="the charts">
        {(s) => {
          const charts = [
            {
              title: "Error rate",
              measure: "errorRate" as const,
              format: (v: number) => formatRatio(v),
              threshold:
                errorRule?.enabled === true
                  ? { value: errorRule.limit, label: `pause above ${formatRatio(errorRule.limit)}` }
                  : null,
            },
            { title: "Latency p50", measure: "p50Ms" as const, format: formatMs, threshold: null },
            { title: "Latency p99", measure: "p99Ms" as const, format: formatMs, threshold: null },
            {
              title: "Throughput (orders/min)",
              measure: "throughputPerMinute" as const,
              format: formatPerMinute,
              axisFormat: (v: number) => formatCount(v),
              threshold: null,
            },
          ];
          return (
            <>
              <div className="grid">
                {charts.map((c) => (
                  <figure key={c.measure} className="chart-figure">
                    <figcaption>{c.title}</figcaption>
                    <TimeSeriesChart
                      points={pointsOf(s, c.measure)}
                      from={s.from}
                      to={s.to}
                      format={c.format}
                      axisFormat={"axisFormat" in c ? c.axisFormat : c.format}
                      markers={markers}
                      threshold={c.threshold}
                    />
                  </figure>
                ))}
                <QueueDepthOverTime window={window} />
              </div>
              <MarkerList markers={markers} from={s.from} to={s.to} />
            </>
          );
        }}
      </LiveData>
    </section>
  );
}
