import "server-only";
import { createPrismaClient, type PrismaClient } from "@qmc/db";
import { connectRedis, type Redis } from "@qmc/transport";
import { env } from "~/env";

/**
 * One Prisma client and one Redis connection per server process, created on first use
 * (never at import time, so `next build` needs no database). Kept on globalThis so dev-mode
 * hot reloads do not open a new pool each time.
 */
const store = globalThis as unknown as { qmcPrisma?: PrismaClient; qmcRedis?: Promise<Redis> };

export function prisma(): PrismaClient {
  store.qmcPrisma ??= createPrismaClient({ databaseUrl: env.DATABASE_URL });
  return store.qmcPrisma;
}

/** A ready connection; a failed connect is forgotten so the next call tries again. */
export function redis(): Promise<Redis> {
  store.qmcRedis ??= connectRedis(env.REDIS_URL, "producer").then(
    (connection) => {
      connection.on("error", () => {}); // surfaced per request by the calls that fail
      return connection;
    },
    (error: unknown) => {
      store.qmcRedis = undefined;
      throw error;
    },
  );
  return store.qmcRedis;
}
