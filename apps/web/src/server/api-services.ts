import "server-only";
import type { ApiServices } from "@qmc/api";
import { LiveConfig, QueueManager, SystemQueues, WorkOrderSubmitter } from "@qmc/engine";
import { createLogger } from "@qmc/runtime";
import { connectRedis, createRedisConnection, redisConnectionOptions } from "@qmc/transport";
import { env } from "~/env";
import { prisma } from "./services";

/**
 * The control plane's services in this web process, built once on first use: its own live
 * config (subscribed to changes), the queues it submits to, and the QueueManager routing them.
 */
const store = globalThis as unknown as { qmcApiServices?: Promise<ApiServices> };

export function apiServices(): Promise<ApiServices> {
  store.qmcApiServices ??= build().catch((error: unknown) => {
    store.qmcApiServices = undefined; // try again on the next request
    throw error;
  });
  return store.qmcApiServices;
}

async function build(): Promise<ApiServices> {
  const logger = createLogger("web", env.LOG_LEVEL);
  const db = prisma();
  const subscriber = createRedisConnection(env.REDIS_URL, "subscriber");
  subscriber.on("error", (error) => logger.warn({ err: error }, "config subscriber error"));
  const publisher = await connectRedis(env.REDIS_URL, "producer");
  publisher.on("error", (error) => logger.warn({ err: error }, "redis publisher error"));
  const liveConfig = new LiveConfig(db, subscriber, publisher, env.QUEUE_PREFIX, logger);
  await liveConfig.start();
  const queues = new SystemQueues(redisConnectionOptions(env.REDIS_URL), env.QUEUE_PREFIX, (error) =>
    logger.warn({ err: error }, "queue error"),
  );
  const commandPolicy = { allowedCommands: env.COMMAND_ALLOWLIST, allowedEnv: env.COMMAND_ENV_ALLOWLIST };
  const submitter = new WorkOrderSubmitter(db, queues, commandPolicy, logger, {
    maxQueueDepth: env.MAX_QUEUE_DEPTH,
  });
  return {
    prisma: db,
    liveConfig,
    queueManager: new QueueManager(liveConfig, submitter),
    queues,
    publisher,
    queuePrefix: env.QUEUE_PREFIX,
    logger,
    allowedOrigins: env.ALLOWED_ORIGINS,
    sessionTtlMs: env.SESSION_TTL_HOURS * 3_600_000,
    secureCookies: env.SECURE_COOKIES,
    workerStaleAfterMs: env.WORKER_STALE_AFTER_MS,
  };
}
