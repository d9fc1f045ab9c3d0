export { alignedBuckets, bucketStartOf, type TimeBucket } from "./buckets.ts";
export {
  bucketOf,
  emptyHistogram,
  histogramCount,
  LATENCY_BUCKET_BOUNDS_MS,
  LATENCY_BUCKET_COUNT,
  type LatencyHistogram,
  mergeHistograms,
  observe,
  quantileMs,
} from "./latency-histogram.ts";
export {
  type MetricStream,
  type MinuteRollup,
  minuteOf,
  type OrderMetricEvent,
  ROLLUP_COUNTERS,
  RollupAccumulator,
  type RollupCounter,
} from "./rollup-accumulator.ts";
export { type StreamWindow, streamWindow } from "./rollup-window.ts";
export { type Throughput, throughputOf } from "./throughput.ts";
