import "server-only";
import { connectRedis, type Redis } from "@qmc/transport";
import { env } from "~/env";

export { prisma } from "./web-services";

/**
 * One Redis connection per server process for the status checks, created on first use and kept
 * on globalThis so dev-mode hot reloads do not open a new one each time.
 */
const store = globalThis as unknown as { qmcRedis?: Promise<Redis> };

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
