import { redisConnectionOptions } from "@qmc/transport";
import type { LiveConfig } from "../config/live-config.ts";
import type { SystemQueues } from "../queues/system-queues.ts";
import type { EngineResources } from "../resources.ts";
import { QueueManager } from "../routing/queue-manager.ts";
import { WorkOrderSubmitter } from "../work-orders/submit.ts";
import { RunExecutor } from "./run-executor.ts";
import { RUN_LOCK_DURATION_MS, RUN_STALLED_INTERVAL_MS } from "./run-takeover.ts";

/**
 * The run executor of one worker. Re-submitted orders are routed by this worker's live config,
 * exactly as the API would route them, and validated against this worker's command allowlist.
 * Run jobs have their own lock and stalled check (see `run-takeover.ts`), not the order queues'.
 */
export function createRunExecutor(
  resources: EngineResources,
  queues: SystemQueues,
  liveConfig: LiveConfig,
  options: { workerId: string; reconcileIntervalMs: number },
): RunExecutor {
  const logger = resources.logger.child({ component: "runs" });
  const submitter = new WorkOrderSubmitter(resources.prisma, queues, resources.commandPolicy, logger, {
    maxQueueDepth: 10_000,
    ...(resources.metrics ? { metrics: resources.metrics } : {}),
  });
  return new RunExecutor(
    { prisma: resources.prisma, queues, queueManager: new QueueManager(liveConfig, submitter), logger },
    redisConnectionOptions(resources.redisUrl),
    resources.queuePrefix,
    {
      workerId: options.workerId,
      lockDurationMs: RUN_LOCK_DURATION_MS,
      stalledIntervalMs: RUN_STALLED_INTERVAL_MS,
      sweepIntervalMs: options.reconcileIntervalMs,
    },
  );
}
