import type { CommandRunPolicy } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import type { OrderMetrics } from "./metrics/order-metrics.ts";

/**
 * The bag every engine system shares (trigger.dev's pattern): injected, never imported, so
 * tests run the real thing against their own database and queue prefix.
 */
export interface EngineResources {
  prisma: PrismaClient;
  /** BullMQ connection options: each Queue/Worker opens its own connections from these. */
  redisUrl: string;
  queuePrefix: string;
  logger: Logger;
  /** The worker's own allowlist: names → absolute executables, fixed when it started. */
  commandPolicy: CommandRunPolicy;
  /** The environment a command may inherit from (filtered by the allowlist and the deny rule). */
  workerEnv: Readonly<Record<string, string | undefined>>;
  /**
   * Where the engine counts what happens to orders (the process's RollupWriter, which its owner
   * starts and stops); none: nothing is counted.
   */
  metrics?: OrderMetrics;
}
