// The web process's services (API, metrics, logger), without Next's "server-only" guard, so the
// custom server (server.ts) builds the very same ones Next's routes use: everything is kept on
// globalThis, so whichever module copy asks first builds it and every other copy reuses it.
import { type ApiServices, connectRedisOrFail, openProducerQueues, routingSaltsSeen } from "@qmc/api";
import { createPrismaClient, type PrismaClient } from "@qmc/db";
import { LiveConfig, QueueManager, WorkOrderSubmitter } from "@qmc/engine";
import {
  createMetricsExporter,
  type MetricsExporter,
  RollupWriter,
  webMetricsSource,
} from "@qmc/engine/metrics";
import { createLogger, type Logger } from "@qmc/runtime";
import { createRedisConnection } from "@qmc/transport";
import { env } from "~/env";

/**
 * One Prisma client per process, created on first use (never at import time, so `next build`
 * needs no database) and kept on globalThis: whichever module copy (Next's bundles, the custom
 * server, a dev-mode reload) asks first makes it, and all share it.
 */
export function prisma(): PrismaClient {
  const shared = globalThis as unknown as { qmcPrisma?: PrismaClient };
  shared.qmcPrisma ??= createPrismaClient({ databaseUrl: env.DATABASE_URL });
  return shared.qmcPrisma;
}

/**
 * The control plane's services in this web process, built once on first use: its own live
 * config (subscribed to changes), the queues it submits to, and the QueueManager routing them.
 * A build that fails (Postgres or Redis not answering) is forgotten, so the next request tries
 * again; meanwhile the API answers 503.
 */
const store = globalThis as unknown as {
  qmcApiServices?: Promise<ApiServices>;
  qmcWebLogger?: Logger;
  qmcLiveConfig?: LiveConfig;
  qmcRollups?: RollupWriter;
  qmcMetricsExporter?: Promise<MetricsExporter>;
};

/**
 * The web process's one logger. It never prints the routing salt: salt keys are redacted, and
 * every salt this process has seen is scrubbed from each line, whatever logged it.
 */
export function webLogger(): Logger {
  store.qmcWebLogger ??= createLogger("web", env.LOG_LEVEL, {
    secrets: routingSaltsSeen(() => store.qmcLiveConfig?.current().salt),
  });
  return store.qmcWebLogger;
}

export function apiServices(): Promise<ApiServices> {
  store.qmcApiServices ??= build().catch((error: unknown) => {
    store.qmcApiServices = undefined; // try again on the next request
    throw error;
  });
  return store.qmcApiServices;
}

async function build(): Promise<ApiServices> {
  const logger = webLogger();
  const db = prisma();
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  try {
    const subscriber = createRedisConnection(env.REDIS_URL, "subscriber");
    cleanup.push(() => subscriber.disconnect());
    subscriber.on("error", (error) => logger.warn({ err: error }, "config subscriber error"));
    const publisher = await connectRedisOrFail(env.REDIS_URL, "producer");
    cleanup.push(() => publisher.disconnect());
    publisher.on("error", (error) => logger.warn({ err: error }, "redis publisher error"));
    const queues = await openProducerQueues(env.REDIS_URL, env.QUEUE_PREFIX, (error) =>
      logger.warn({ err: error }, "queue error"),
    );
    cleanup.push(() => queues.close());
    const liveConfig = new LiveConfig(db, subscriber, publisher, env.QUEUE_PREFIX, logger);
    await liveConfig.start();
    store.qmcLiveConfig = liveConfig;
    const commandPolicy = { allowedCommands: env.COMMAND_ALLOWLIST, allowedEnv: env.COMMAND_ENV_ALLOWLIST };
    const rollups = await startRollups(logger);
    const submitter = new WorkOrderSubmitter(db, queues, commandPolicy, logger, {
      maxQueueDepth: env.MAX_QUEUE_DEPTH,
      metrics: rollups,
    });
    return {
      prisma: db,
      liveConfig,
      queueManager: new QueueManager(liveConfig, submitter),
      queues,
      publisher,
      queuePrefix: env.QUEUE_PREFIX,
      metrics: rollups,
      logger,
      allowedOrigins: env.ALLOWED_ORIGINS,
      sessionTtlMs: env.SESSION_TTL_HOURS * 3_600_000,
      secureCookies: env.SECURE_COOKIES,
      workerStaleAfterMs: env.WORKER_STALE_AFTER_MS,
    };
  } catch (error) {
    for (const close of cleanup.reverse()) await Promise.resolve(close()).catch(() => {});
    throw error;
  }
}

/**
 * This process's rollup writer (what it submits, counted per minute), one per process: a build
 * retried after a failure reuses it. Its last counts are flushed when the process is told to stop
 * (Next's own SIGTERM/SIGINT cleanup runs meanwhile, so at worst the last seconds are lost).
 */
async function startRollups(logger: Logger): Promise<RollupWriter> {
  if (store.qmcRollups) return store.qmcRollups;
  const rollups = new RollupWriter(prisma(), {
    source: webMetricsSource(),
    flushMs: env.METRICS_FLUSH_MS,
    logger: logger.child({ component: "metrics" }),
  });
  store.qmcRollups = rollups;
  await rollups.start();
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void rollups.stop());
  return rollups;
}

/** The Prometheus view served at /api/metrics, built with the services on first use. */
export function metricsExporter(): Promise<MetricsExporter> {
  store.qmcMetricsExporter ??= apiServices().then(
    (services) =>
      createMetricsExporter({
        prisma: services.prisma,
        queues: services.queues,
        config: services.liveConfig,
        workerStaleAfterMs: env.WORKER_STALE_AFTER_MS,
        ...(store.qmcRollups ? { writer: store.qmcRollups } : {}),
      }),
    (error: unknown) => {
      store.qmcMetricsExporter = undefined;
      throw error;
    },
  );
  return store.qmcMetricsExporter;
}
