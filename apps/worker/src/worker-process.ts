import { createPrismaClient, type PrismaClient } from "@qmc/db";
import { QueueEngine } from "@qmc/engine";
import { createMetricsExporter, RollupWriter, workerMetricsSource } from "@qmc/engine/metrics";
import type { Logger } from "@qmc/runtime";
import type { WorkerEnv } from "./env.ts";
import { Heartbeat } from "./heartbeat.ts";
import { hostMemoryUsedRatio } from "./host-memory.ts";
import { MetricsServer } from "./metrics-server.ts";

/**
 * The worker process: owns the connections and runs the queue engine (legacy processor, new
 * scheduler + executor, reconciler), its metric rollups and, when METRICS_PORT is set, its
 * Prometheus endpoint. `start()` brings them up in order; `stop()` stops claiming work first,
 * flushes the last counts and closes connections last.
 */
export class WorkerProcess {
  private prisma: PrismaClient | null = null;
  private engine: QueueEngine | null = null;
  private heartbeat: Heartbeat | null = null;
  private rollups: RollupWriter | null = null;
  private metricsServer: MetricsServer | null = null;

  constructor(
    private readonly env: WorkerEnv,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const { env } = this;
    this.prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    await this.prisma.$queryRaw`select 1`;
    const rollups = new RollupWriter(this.prisma, {
      source: workerMetricsSource(env.WORKER_ID),
      flushMs: env.METRICS_FLUSH_MS,
      logger: this.logger.child({ component: "metrics" }),
    });
    this.rollups = rollups;
    await rollups.start();
    const engine = new QueueEngine(
      {
        prisma: this.prisma,
        redisUrl: env.REDIS_URL,
        queuePrefix: env.QUEUE_PREFIX,
        logger: this.logger,
        commandPolicy: env.COMMAND_POLICY,
        workerEnv: process.env,
        metrics: rollups,
      },
      {
        workerId: env.WORKER_ID,
        systems: env.WORKER_SYSTEMS.map((s) => (s === "legacy" ? "LEGACY" : "NEW")),
        legacyConcurrency: env.LEGACY_CONCURRENCY,
        newSystemSlots: env.NEW_SYSTEM_SLOTS,
        staggerMs: env.NEW_SYSTEM_STAGGER_MS,
        lockDurationMs: env.LOCK_DURATION_MS,
        stalledIntervalMs: env.STALLED_INTERVAL_MS,
        reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
        reconcileGraceMs: env.RECONCILE_GRACE_MS,
        writeRetryMs: env.WRITE_RETRY_MS,
        workerStaleAfterMs: env.WORKER_STALE_AFTER_MS,
        outputLimitBytes: env.OUTPUT_LIMIT_BYTES,
        readMemoryRatio: hostMemoryUsedRatio,
        guard: { evaluate: env.GUARD_ENABLED, intervalMs: env.GUARD_INTERVAL_MS },
        metricsRetentionDays: env.METRICS_RETENTION_DAYS,
      },
    );
    this.engine = engine;
    // Heartbeat first: other workers must see us alive before we hold any order.
    this.heartbeat = new Heartbeat(
      this.prisma,
      env.WORKER_ID,
      env.HEARTBEAT_INTERVAL_MS,
      () => {
        const c = engine.capacity();
        return {
          systems: c.systems,
          slotsTotal: c.slotsTotal,
          slotsInUse: c.slotsInUse,
          concurrencyLimit: c.concurrencyLimit,
          memoryPressure: c.memoryPressure,
        };
      },
      (error) => this.logger.warn({ err: error }, "heartbeat failed"),
    );
    await this.heartbeat.start();
    await engine.start();
    if (env.METRICS_PORT !== undefined) await this.startMetricsServer(engine, rollups, env.METRICS_PORT);
    this.logger.info({ queuePrefix: env.QUEUE_PREFIX, systems: env.WORKER_SYSTEMS }, "worker started");
  }

  /** The live routing salt once the engine runs (for log scrubbing), else undefined. */
  currentSalt(): string | undefined {
    try {
      return this.engine?.liveConfig.current().salt;
    } catch {
      return undefined;
    }
  }

  private async startMetricsServer(engine: QueueEngine, rollups: RollupWriter, port: number) {
    if (!this.prisma) return;
    const exporter = createMetricsExporter({
      prisma: this.prisma,
      queues: engine.queues,
      config: engine.liveConfig,
      workerStaleAfterMs: this.env.WORKER_STALE_AFTER_MS,
      self: () => ({
        workerId: this.env.WORKER_ID,
        ...engine.capacity(),
        memoryUsedRatio: hostMemoryUsedRatio(),
      }),
      writer: rollups,
    });
    this.metricsServer = new MetricsServer(exporter, this.logger.child({ component: "metrics" }));
    await this.metricsServer.start(this.env.METRICS_HOST, port);
  }

  async stop(): Promise<void> {
    await this.metricsServer?.stop();
    // Leave a margin of the shutdown deadline for closing connections.
    await this.engine?.stop(Math.max(500, this.env.SHUTDOWN_TIMEOUT_MS - 2_000));
    // After the engine: the outcomes of the orders it finished while stopping are counted too.
    await this.rollups?.stop();
    await this.heartbeat?.stop().catch((error) => this.logger.warn({ err: error }, "final heartbeat failed"));
    await this.prisma?.$disconnect();
    this.engine = null;
    this.heartbeat = null;
    this.rollups = null;
    this.metricsServer = null;
    this.prisma = null;
  }
}
