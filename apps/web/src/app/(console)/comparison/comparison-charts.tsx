"use client";
import { useQuery } from "@tanstack/react-query";
import { SERIES_REFRESH_MS } from "~/components/charts/chart-data";
import { MarkerList } from "~/components/charts/marker-list";
import { chartPoints, markersOf, type PointValue, type TimeSeries } from "~/components/charts/series-data";
import { TimeSeriesChart } from "~/components/charts/time-series-chart";
import { LiveData } from "~/components/live-data";
import { formatCount, formatMs, formatPerMinute, formatRatio, formatUtc } from "~/lib/format";
import { liveQuery } from "~/lib/live-query";
import type { TimeWindowKey } from "~/lib/time-window";
import { useTRPC } from "~/trpc/react";

interface Chart {
  title: string;
  value: PointValue;
  format: (v: number) => string;
  axisFormat?: (v: number) => string;
  threshold?: { value: number; label: string } | null;
}

const CHARTS: Chart[] = [
  { title: "Error rate", value: (p) => p.errorRate, format: formatRatio },
  { title: "Latency p50", value: (p) => p.p50LatencyMs, format: formatMs },
  { title: "Latency p99", value: (p) => p.p99LatencyMs, format: formatMs },
  {
    title: "Throughput (finished orders/min)",
    value: (p) => p.throughputPerMinute,
    format: formatPerMinute,
    axisFormat: (v) => formatCount(v),
  },
  // The guard samples ready jobs (waiting + prioritized) apart from jobs due later.
  {
    title: "Jobs waiting (ready to start)",
    value: (p) => p.queueDepth?.waiting ?? null,
    format: (v) => formatCount(v),
  },
  {
    title: "Jobs delayed (retries due later)",
    value: (p) => p.queueDepth?.delayed ?? null,
    format: (v) => formatCount(v),
  },
];

/**
 * Error rate, latency, throughput and queue depth over the window, with the config changes and
 * guard decisions marked: all from one `health.timeSeries` read per refresh (its annotations are
 * the markers), every series plotted at its bucket's start.
 */
export function ComparisonCharts({ window }: { window: TimeWindowKey }) {
  const trpc = useTRPC();
  const series = useQuery({
    ...trpc.health.timeSeries.queryOptions({ window, streams: ["LEGACY", "NEW"] }),
    ...liveQuery,
    refetchInterval: SERIES_REFRESH_MS,
  });
  const thresholds = useQuery({ ...trpc.guard.thresholds.queryOptions(), ...liveQuery });
  const errorRule = thresholds.data?.rules.find((r) => r.metric === "ERROR_RATE");
  const errorLimit =
    errorRule?.enabled === true
      ? { value: errorRule.limit, label: `pause above ${formatRatio(errorRule.limit)}` }
      : null;
  return (
    <section className="card" aria-labelledby="charts-title">
      <h2 id="charts-title">Over time</h2>
      <LiveData query={series} what="the charts">
        {(s) => <Charts series={s} errorLimit={errorLimit} />}
      </LiveData>
    </section>
  );
}

const bucketWords = (seconds: number) =>
  seconds < 3600 ? `${seconds / 60}-minute` : `${seconds / 3600}-hour`;

function Charts({ series, errorLimit }: { series: TimeSeries; errorLimit: Chart["threshold"] }) {
  const from = new Date(series.from).getTime();
  const to = new Date(series.to).getTime();
  const markers = markersOf(series.annotations);
  return (
    <>
      <div className="grid" data-testid="comparison-charts">
        {CHARTS.map((c) => (
          <figure key={c.title} className="chart-figure">
            <figcaption>{c.title}</figcaption>
            <TimeSeriesChart
              points={chartPoints(series, c.value)}
              from={from}
              to={to}
              format={c.format}
              axisFormat={c.axisFormat ?? c.format}
              markers={markers}
              threshold={c.title === "Error rate" ? errorLimit : null}
            />
          </figure>
        ))}
      </div>
      <p className="muted" data-testid="chart-buckets">
        Each point is a {bucketWords(series.bucketSeconds)} bucket, every series drawn at the bucket's start.
        {series.dataFrom && (
          <>
            {" "}
            No order existed before {formatUtc(new Date(series.dataFrom))}: throughput is counted from then.
          </>
        )}
      </p>
      <MarkerList markers={markers} from={from} to={to} />
    </>
  );
}
