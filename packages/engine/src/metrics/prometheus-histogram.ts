import { LATENCY_BUCKET_BOUNDS_MS } from "@qmc/core";

/** Our bucket bounds in seconds, as Prometheus `le` labels (exact decimals, no float noise). */
const LE_SECONDS = LATENCY_BUCKET_BOUNDS_MS.map((ms) => String(Math.round(ms * 1000) / 1e6));

/** A representative latency (ms) of each bucket, for the estimated `_sum`: its geometric middle. */
const BUCKET_MIDDLE_MS = [...LATENCY_BUCKET_BOUNDS_MS, Number.POSITIVE_INFINITY].map((upper, i) => {
  const lower = i === 0 ? 0 : (LATENCY_BUCKET_BOUNDS_MS[i - 1] ?? 0);
  if (!Number.isFinite(upper)) return lower;
  return lower === 0 ? upper / 2 : Math.sqrt(lower * upper);
});

interface MetricValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

export interface HistogramSeries {
  labels: Record<string, string>;
  /** Counts per bucket of LATENCY_BUCKET_BOUNDS_MS (the last one overflow), not cumulative. */
  counts: readonly number[];
}

/**
 * A Prometheus histogram filled from our mergeable rollup histograms, which prom-client's own
 * Histogram cannot take (it only observes one value at a time). Registered in a prom-client
 * Registry as a custom metric: `_bucket` lines (cumulative, with our bounds in seconds), `_count`,
 * and a `_sum` estimated from bucket middles, since rollups keep counts per bucket only.
 */
export class RollupHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private series: HistogramSeries[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  set(series: HistogramSeries[]): void {
    this.series = series;
  }

  reset(): void {
    this.series = [];
  }

  async get() {
    const values: MetricValue[] = [];
    for (const { labels, counts } of this.series) {
      let cumulative = 0;
      let sumMs = 0;
      for (const [i, le] of LE_SECONDS.entries()) {
        const n = counts[i] ?? 0;
        cumulative += n;
        sumMs += n * (BUCKET_MIDDLE_MS[i] ?? 0);
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le }, value: cumulative });
      }
      const overflow = counts[LE_SECONDS.length] ?? 0;
      cumulative += overflow;
      sumMs += overflow * (BUCKET_MIDDLE_MS[LE_SECONDS.length] ?? 0);
      values.push({
        metricName: `${this.name}_bucket`,
        labels: { ...labels, le: "+Inf" },
        value: cumulative,
      });
      values.push({ metricName: `${this.name}_sum`, labels, value: sumMs / 1000 });
      values.push({ metricName: `${this.name}_count`, labels, value: cumulative });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
