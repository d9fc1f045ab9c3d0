export {
  OPEN_LEGACY_STATUSES,
  OPEN_STATES,
  type OpenLegacyStatus,
  type OpenState,
  type QueueDepthsNow,
  readQueueDepthsNow,
  readWorkerLiveness,
  type WorkerLiveness,
} from "./system-reads.ts";
