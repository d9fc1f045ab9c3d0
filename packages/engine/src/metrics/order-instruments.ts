import { type MetricStream, type OrderMetricEvent, ROLLUP_COUNTERS, type RollupCounter } from "@qmc/core";
import { Counter, Histogram } from "prom-client";

const STREAMS: readonly MetricStream[] = ["LEGACY", "NEW", "SHADOW"];

/**
 * Upper bounds (seconds) of the order latency histograms: 5 ms (a no-op order's queue wait) to
 * 5000 s (above the longest timeout, 1 h), in steps of ×1.4–×1.7 (1, 1.5, 2, 3, 5, 7 per decade).
 * Finer than the usual ×2.5 because the plan's p99 rule compares two p99s against a 2× limit:
 * `histogram_quantile` interpolates inside a bucket, so a coarse grid would blur 1.5× into 2.5×.
 * 37 buckets × 3 histograms × 3 streams: ~360 series per process, a few KB per scrape.
 */
export const ORDER_LATENCY_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.005, 0.007, 0.01, 0.015, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 7, 10,
  15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1000, 1500, 2000, 3000, 5000,
]);

const COUNTER_HELP: Readonly<Record<RollupCounter, string>> = {
  submitted: "Orders this process submitted (a shadow copy counts in stream SHADOW).",
  started: "Attempts this process started (a claim landed).",
  completed: "Orders this process saw complete.",
  failed: "Orders this process saw fail for good (an attempt that will be retried is not a failure).",
  retried: "Attempts this process saw fail with the order to run again.",
  cancelled: "Orders this process cancelled.",
};

type Histograms = Record<"queueWait" | "runTime" | "endToEnd", Histogram<"stream">>;

/** Milliseconds to seconds; a negative or NaN latency counts as 0, as the rollups count it. */
const seconds = (ms: number) => (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0);

/**
 * This process's order events as Prometheus counters and histograms (`qmc_orders_<event>_total`,
 * `qmc_order_<latency>_seconds`, label `stream`): cumulative since the process started, so
 * `rate()` and `histogram_quantile()` work and Prometheus sums the processes. Fed by the
 * RollupWriter from the same `record()` call as the minute rollups, so the two never disagree.
 * Registered in no registry of its own: each process's exporter registers them in its Registry.
 */
export class OrderInstruments {
  private readonly counters: Record<RollupCounter, Counter<"stream">>;
  private readonly histograms: Histograms;

  constructor() {
    this.counters = Object.fromEntries(
      ROLLUP_COUNTERS.map((event) => [
        event,
        new Counter({
          name: `qmc_orders_${event}_total`,
          help: COUNTER_HELP[event],
          labelNames: ["stream"],
          registers: [],
        }),
      ]),
    ) as Record<RollupCounter, Counter<"stream">>;
    const histogram = (name: string, help: string) =>
      new Histogram({
        name,
        help,
        labelNames: ["stream"],
        buckets: [...ORDER_LATENCY_BUCKETS_SECONDS],
        registers: [],
      });
    this.histograms = {
      queueWait: histogram(
        "qmc_order_queue_wait_seconds",
        "Submit (or a retry's due time) to attempt start, per attempt this process started.",
      ),
      runTime: histogram(
        "qmc_order_run_time_seconds",
        "Attempt run time, per attempt this process saw end (completed, failed, retried, cancelled).",
      ),
      endToEnd: histogram(
        "qmc_order_end_to_end_seconds",
        "Submit to terminal state, per order this process saw finish.",
      ),
    };
    // Every stream from zero: a series born at its first event would lose that event to rate().
    for (const stream of STREAMS) {
      for (const counter of Object.values(this.counters)) counter.inc({ stream }, 0);
      for (const h of Object.values(this.histograms)) h.zero({ stream });
    }
  }

  /** The prom-client metrics, to register in a Registry. */
  get metrics(): Array<Counter<"stream"> | Histogram<"stream">> {
    return [...Object.values(this.counters), ...Object.values(this.histograms)];
  }

  /** Counts one event exactly as RollupAccumulator does (same histograms, same events). */
  record(stream: MetricStream, event: OrderMetricEvent): void {
    const labels = { stream };
    this.counters[event.type].inc(labels);
    if (event.type === "started") this.histograms.queueWait.observe(labels, seconds(event.queueWaitMs));
    if (event.type === "submitted" || event.type === "started") return;
    if (event.runTimeMs !== null) this.histograms.runTime.observe(labels, seconds(event.runTimeMs));
    if (event.type !== "retried" && event.endToEndMs !== null)
      this.histograms.endToEnd.observe(labels, seconds(event.endToEndMs));
  }

  /** One counter's value for a stream (tests, diagnostics). */
  async count(stream: MetricStream, event: RollupCounter): Promise<number> {
    const { values } = await this.counters[event].get();
    return values.find((v) => v.labels.stream === stream)?.value ?? 0;
  }
}
