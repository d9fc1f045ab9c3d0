// @qmc/engine/metrics: order metrics (per-minute rollups), their retention, worker samples and the
// Prometheus exposition, for the worker and the web process.
export { MetricsPruner, type PruneReport, pruneMetrics } from "./metrics-pruner.ts";
export { ORDER_LATENCY_BUCKETS_SECONDS, OrderInstruments } from "./order-instruments.ts";
export type { OrderMetrics } from "./order-metrics.ts";
export {
  createMetricsExporter,
  type MetricsExporter,
  type MetricsExporterDeps,
} from "./prometheus-exporter.ts";
export { readRollupWindow, readSourceRollups, writeRollups } from "./rollup-store.ts";
export {
  RollupWriter,
  type RollupWriterOptions,
  webMetricsSource,
  workerMetricsSource,
} from "./rollup-writer.ts";
export { recordWorkerSample, type WorkerReading } from "./worker-sample-store.ts";
