import { type ApiServices, type AuthUser, createCaller } from "@qmc/api";
import { createPrismaClient, type PrismaClient } from "@qmc/db";
import { LiveConfig, SystemQueues } from "@qmc/engine";
import { connectRedis, createRedisConnection, type Redis, redisConnectionOptions } from "@qmc/transport";
import { pino } from "pino";

export type Caller = ReturnType<typeof createCaller>;

/** The console's user: an admin signed in with a session, so every page's reads are allowed. */
const CONSOLE_ADMIN: AuthUser = {
  id: "bench",
  email: "bench@example.com",
  role: "ADMIN",
  via: "session",
  mustChangePassword: false,
};

const QUEUE_PREFIX = "qmc-bench-dashboard";

/**
 * What a web process holds for the whole of its life (Redis connections, the live config, the
 * producer queues), shared by every measured read; each read brings its own database client.
 */
export interface BenchWebProcess {
  callerFor(prisma: PrismaClient): Caller;
  close(): Promise<void>;
}

export async function openBenchWebProcess(databaseUrl: string, redisUrl: string): Promise<BenchWebProcess> {
  const logger = pino({ level: "silent" });
  const prisma = createPrismaClient({ databaseUrl, maxConnections: 2 });
  const publisher: Redis = await connectRedis(redisUrl, "producer");
  const subscriber: Redis = createRedisConnection(redisUrl, "subscriber");
  const queues = new SystemQueues(redisConnectionOptions(redisUrl), QUEUE_PREFIX, () => {});
  const liveConfig = new LiveConfig(prisma, subscriber, publisher, QUEUE_PREFIX, logger);
  await liveConfig.start();
  const shared = {
    liveConfig,
    queues,
    publisher,
    queuePrefix: QUEUE_PREFIX,
    logger,
    allowedOrigins: [],
    sessionTtlMs: 3_600_000,
    secureCookies: false,
    workerStaleAfterMs: 15_000,
    // Only mutations submit orders: no read measured here uses it.
    queueManager: undefined as unknown as ApiServices["queueManager"],
  };
  return {
    callerFor: (readPrisma) =>
      createCaller({
        services: { ...shared, prisma: readPrisma },
        user: CONSOLE_ADMIN,
        sessionToken: null,
        originOk: true,
        userAgent: null,
        clientAddress: null,
        signInGuard: { admit: async () => ({}) as never },
        setCookie: () => {},
      }),
    async close() {
      await liveConfig.stop();
      await queues.close();
      subscriber.disconnect();
      publisher.disconnect();
      await prisma.$disconnect();
    },
  };
}
