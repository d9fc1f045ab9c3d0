import type { QueueSystem } from "@qmc/core";
import { cancelRequestChannel, createRedisConnection, redisConnectionOptions } from "@qmc/transport";
import { LiveConfig } from "./config/live-config.ts";
import { ExecutionManager } from "./execution/execution-manager.ts";
import { type GuardOptions, GuardRunner } from "./guard/guard-runner.ts";
import { LegacyProcessor } from "./legacy/legacy-processor.ts";
import { heartbeatIncarnations } from "./liveness/worker-incarnations.ts";
import { MetricsPruner } from "./metrics/metrics-pruner.ts";
import { NewSystemScheduler } from "./new-system/new-system-scheduler.ts";
import { OrderExecutor } from "./new-system/order-executor.ts";
import { ResourceMonitor, type ResourceSnapshot } from "./new-system/resource-monitor.ts";
import { SystemQueues } from "./queues/system-queues.ts";
import { type ReconcileReport, Reconciler } from "./reconciler.ts";
import type { EngineResources } from "./resources.ts";
import { applyRetirementToLegacyQueue } from "./retirement/legacy-queue-pause.ts";
import { createRunExecutor } from "./runs/create-run-executor.ts";
import type { RunExecutor } from "./runs/run-executor.ts";
import { SubprocessSandbox } from "./sandbox/index.ts";
import { ShadowComparator } from "./shadow/shadow-comparator.ts";
import { TransitionBatcher } from "./work-orders/transition-batcher.ts";

export interface QueueEngineOptions {
  workerId: string;
  /** Which systems this worker runs; several workers may split them. */
  systems: QueueSystem[];
  legacyConcurrency: number;
  newSystemSlots: number;
  staggerMs: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  reconcileIntervalMs: number;
  reconcileGraceMs: number;
  workerStaleAfterMs: number;
  outputLimitBytes: number;
  readMemoryRatio: () => number;
  /**
   * How long a state write is retried when the database fails before it is given up: a new-system
   * job is failed and its order left to the reconciler; a legacy order fails, saying what happened.
   * @defaultValue 60000
   */
  writeRetryMs?: number;
  /** How often finished shadow pairs are compared. @defaultValue 1000 */
  shadowCompareIntervalMs?: number;
  /**
   * The health guard in this worker (reports memory, obeys concurrency commands, competes to
   * evaluate the thresholds). Unset: this engine runs no guard.
   */
  guard?: GuardOptions;
  /**
   * Metric rows (rollups, queue depth and worker samples) older than this many days are pruned
   * hourly, by one worker at a time. Unset: this engine does not prune.
   */
  metricsRetentionDays?: number;
}

/**
 * Everything one worker process runs: the legacy processor, the new system's scheduler and
 * executor, and the reconciler, over shared resources. The worker app only configures it.
 */
export class QueueEngine {
  readonly queues: SystemQueues;
  readonly monitor: ResourceMonitor;
  private readonly executor: OrderExecutor;
  private readonly scheduler: NewSystemScheduler | null;
  private readonly legacy: LegacyProcessor | null;
  private readonly reconciler: Reconciler;
  readonly shadowComparator: ShadowComparator;
  private readonly subscriber;
  private unsubscribeCancel: (() => Promise<void>) | null = null;
  /** Followed for Phase 4: once legacy is retired this worker stops taking legacy jobs. */
  readonly liveConfig: LiveConfig;
  /** Background runs (in-flight migration, bulk re-submission), in every worker. */
  private readonly runs: RunExecutor;
  private readonly publisher;
  private readonly pruner: MetricsPruner | null;
  private stopped: Promise<void> | null = null;
  /** The health guard of this worker, when enabled. */
  readonly guard: GuardRunner | null;

  constructor(
    private readonly resources: EngineResources,
    private readonly options: QueueEngineOptions,
  ) {
    const { prisma, logger, queuePrefix } = resources;
    const connection = redisConnectionOptions(resources.redisUrl);
    this.queues = new SystemQueues(connection, queuePrefix, (error) =>
      logger.error({ err: error }, "queue error"),
    );
    const execution = new ExecutionManager(
      new SubprocessSandbox(),
      resources.commandPolicy,
      resources.workerEnv,
      options.outputLimitBytes,
    );
    this.monitor = new ResourceMonitor({
      slots: options.newSystemSlots,
      staggerMs: options.staggerMs,
      readMemoryRatio: options.readMemoryRatio,
    });
    this.executor = new OrderExecutor({
      prisma,
      queues: this.queues,
      execution,
      transitions: new TransitionBatcher(prisma),
      logger: logger.child({ system: "NEW" }),
      workerId: options.workerId,
      writeRetryMs: options.writeRetryMs ?? 60_000,
      ...(resources.metrics ? { metrics: resources.metrics } : {}),
    });
    const timing = { lockDurationMs: options.lockDurationMs, stalledIntervalMs: options.stalledIntervalMs };
    this.scheduler = options.systems.includes("NEW")
      ? new NewSystemScheduler(connection, queuePrefix, this.monitor, this.executor, logger, {
          workerId: options.workerId,
          ...timing,
        })
      : null;
    this.legacy = options.systems.includes("LEGACY")
      ? new LegacyProcessor(connection, queuePrefix, prisma, execution, logger.child({ system: "LEGACY" }), {
          workerId: options.workerId,
          concurrency: options.legacyConcurrency,
          writeRetryMs: options.writeRetryMs ?? 60_000,
          ...(resources.metrics ? { metrics: resources.metrics } : {}),
          ...timing,
        })
      : null;
    this.shadowComparator = new ShadowComparator(prisma, logger, options.shadowCompareIntervalMs ?? 1000);
    this.subscriber = createRedisConnection(resources.redisUrl, "subscriber");
    this.subscriber.on("error", (error) => logger.warn({ err: error }, "subscriber error"));
    this.publisher = createRedisConnection(resources.redisUrl, "producer");
    this.publisher.on("error", (error) => logger.warn({ err: error }, "publisher error"));
    this.reconciler = new Reconciler(
      prisma,
      this.publisher,
      this.queues,
      this.executor,
      heartbeatIncarnations(prisma, options.workerStaleAfterMs),
      logger.child({ component: "reconciler" }),
      {
        workerId: options.workerId,
        intervalMs: options.reconcileIntervalMs,
        graceMs: options.reconcileGraceMs,
        pageSize: 500,
        ...(resources.metrics ? { metrics: resources.metrics } : {}),
      },
    );
    this.pruner =
      options.metricsRetentionDays === undefined
        ? null
        : new MetricsPruner(prisma, this.publisher, {
            retentionDays: options.metricsRetentionDays,
            lockKey: `${queuePrefix}:metrics:prune-lock`,
            holder: options.workerId,
            logger,
          });
    this.liveConfig = new LiveConfig(prisma, this.subscriber, this.publisher, queuePrefix, logger);
    this.runs = createRunExecutor(resources, this.queues, this.liveConfig, options);
    this.guard = options.guard
      ? new GuardRunner(
          {
            prisma,
            redis: this.publisher,
            subscriber: this.subscriber,
            queues: this.queues,
            liveConfig: this.liveConfig,
            monitor: this.monitor,
            readMemoryRatio: options.readMemoryRatio,
            prefix: queuePrefix,
            workerId: options.workerId,
            workerStaleAfterMs: options.workerStaleAfterMs,
            logger,
          },
          options.guard,
        )
      : null;
  }

  async start(): Promise<void> {
    this.unsubscribeCancel = await cancelRequestChannel(this.resources.queuePrefix).subscribe(
      this.subscriber,
      ({ workOrderId }) => {
        if (this.executor.cancelRunning(workOrderId)) {
          this.resources.logger.info({ workOrderId }, "cancel requested: stopping the running attempt");
        }
      },
    );
    await this.liveConfig.start();
    // Phase 4: retirement pauses the legacy queue itself, for every worker at once, settled
    // before this worker's legacy processor starts. (Not this worker's BullMQ Worker: pausing and
    // resuming it reconnects its blocking connection, and a quick retire/undo followed by a stop
    // leaves BullMQ's restarted loop rejecting unhandled.)
    await this.applyRetirement(this.liveConfig.current().legacyRetired);
    this.liveConfig.onChange((config) => void this.applyRetirement(config.legacyRetired));
    await this.legacy?.start();
    await this.scheduler?.start();
    this.reconciler.start();
    this.shadowComparator.start();
    this.pruner?.start();
    await this.runs.start();
    await this.guard?.start();
  }

  /** Idempotent, so every worker applies every config it sees: a lost pause/resume heals itself. */
  private applyRetirement(retired: boolean): Promise<void> {
    return applyRetirementToLegacyQueue(this.queues.legacy, retired).catch((error: unknown) =>
      this.resources.logger.warn(
        { err: error, retired },
        "legacy queue pause/resume failed; retried on the next config",
      ),
    );
  }

  /** Stop claiming, let running work finish until the deadline, hand back the rest. */
  stop(deadlineMs: number): Promise<void> {
    this.stopped ??= this.stopOnce(deadlineMs);
    return this.stopped;
  }

  private async stopOnce(deadlineMs: number): Promise<void> {
    await this.guard?.stop();
    await this.reconciler.stop();
    await this.shadowComparator.stop();
    await this.pruner?.stop();
    await Promise.all([
      this.scheduler?.stop(deadlineMs),
      this.legacy?.stop(deadlineMs),
      this.runs.stop(deadlineMs),
    ]);
    await this.unsubscribeCancel?.().catch(() => {});
    await this.liveConfig.stop();
    this.subscriber.disconnect();
    this.publisher.disconnect();
    await this.queues.close();
  }

  /** One reconcile pass now, besides the periodic ones (tests, and an operator's "heal now"). */
  reconcileNow(): Promise<ReconcileReport> {
    return this.reconciler.reconcileOnce();
  }

  capacity(): ResourceSnapshot & { systems: QueueSystem[] } {
    return { ...this.monitor.snapshot(), systems: this.options.systems };
  }
}
