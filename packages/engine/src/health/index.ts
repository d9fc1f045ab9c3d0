export type { ConfigChangeAnnotation, GateDecisionAnnotation } from "./annotations.ts";
export { readConfigHistory, readPhaseReport } from "./phase-reader.ts";
export { RollupHourCache, type RollupHourCacheOptions, rollupHours } from "./rollup-hour-cache.ts";
export {
  type MinuteRange,
  type RangeSums,
  type StreamSums,
  streamWindowOf,
  sumRollupRanges,
} from "./rollup-sums.ts";
export {
  type QueueDepthPoint,
  readTimeSeries,
  type SeriesPoint,
  TIME_SERIES_WINDOWS,
  type TimeSeries,
  type TimeSeriesWindow,
} from "./time-series.ts";
export {
  DEFAULT_WORKER_PRUNE,
  pruneWorkerHeartbeats,
  type WorkerPruneOptions,
} from "./worker-pruning.ts";
