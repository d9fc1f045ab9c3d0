import { createPrismaClient, type PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import { createRedisConnection, type Redis } from "@qmc/transport";
import type { WorkerEnv } from "./env.ts";
import { Heartbeat } from "./heartbeat.ts";

/**
 * The worker process: owns the connections and the long-running parts (queue systems,
 * reconciler, health guard, rollups as they arrive). `start()` brings them up in order;
 * `stop()` stops claiming work first and closes connections last.
 */
export class WorkerProcess {
  private prisma: PrismaClient | null = null;
  private redis: Redis | null = null;
  private heartbeat: Heartbeat | null = null;

  constructor(
    private readonly env: WorkerEnv,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.prisma = createPrismaClient({ databaseUrl: this.env.DATABASE_URL });
    await this.prisma.$queryRaw`select 1`;
    this.redis = createRedisConnection(this.env.REDIS_URL, "worker");
    this.redis.on("error", (error) => this.logger.error({ err: error }, "redis connection error"));
    await this.redis.ping();

    this.heartbeat = new Heartbeat(
      this.prisma,
      this.env.WORKER_ID,
      this.env.HEARTBEAT_INTERVAL_MS,
      // No executors run in this process yet: it advertises no systems and no slots.
      () => ({
        systems: [],
        slotsTotal: 0,
        slotsInUse: 0,
        concurrencyLimit: 0,
        memoryPressure: "unmonitored",
      }),
      (error) => this.logger.warn({ err: error }, "heartbeat failed"),
    );
    await this.heartbeat.start();
    this.logger.info({ queuePrefix: this.env.QUEUE_PREFIX }, "worker started");
  }

  async stop(): Promise<void> {
    await this.heartbeat?.stop().catch((error) => this.logger.warn({ err: error }, "final heartbeat failed"));
    await this.redis?.quit().catch(() => this.redis?.disconnect());
    await this.prisma?.$disconnect();
    this.heartbeat = null;
    this.redis = null;
    this.prisma = null;
  }
}
