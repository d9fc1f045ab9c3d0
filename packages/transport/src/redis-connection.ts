import type { ConnectionOptions } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";

/**
 * How a connection is used decides its failure behaviour (BullMQ's production guide):
 * - `worker`: blocking BullMQ commands; must retry forever (`maxRetriesPerRequest: null`).
 * - `producer`: request/response from the web app; fail fast instead of queueing commands
 *   while Redis is down, so a submit gets an error, not a hang.
 * - `subscriber`: pub/sub listener; reconnects forever.
 */
export type RedisRole = "worker" | "producer" | "subscriber";

export function createRedisConnection(redisUrl: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const byRole: Record<RedisRole, RedisOptions> = {
    worker: { maxRetriesPerRequest: null },
    producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
    subscriber: { maxRetriesPerRequest: null },
  };
  return new Redis(redisUrl, { ...byRole[role], ...extra });
}

/**
 * A connection that is ready to take commands. Needed for `producer` connections used
 * directly: with the offline queue off, a command sent before the handshake fails.
 */
export async function connectRedis(
  redisUrl: string,
  role: RedisRole,
  extra: RedisOptions = {},
): Promise<Redis> {
  const connection = createRedisConnection(redisUrl, role, { ...extra, lazyConnect: true });
  await connection.connect();
  return connection;
}

export class RedisUnavailableError extends Error {
  readonly code = "REDIS_UNAVAILABLE";
}

const START_HINT =
  'Start it with: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no ' +
  "(or set REDIS_URL to a server that runs).";

/** Pings Redis once, with a clear message naming the address and how to start it. */
export async function checkRedis(redisUrl: string, timeoutMs = 3000): Promise<void> {
  const address = redisAddress(redisUrl);
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on("error", () => {}); // reported through connect() below
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new RedisUnavailableError(`Redis does not answer at ${address}: ${reason(error)}. ${START_HINT}`);
  } finally {
    client.disconnect();
  }
}

function redisAddress(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    return `${url.hostname}:${url.port || "6379"}`;
  } catch {
    return redisUrl;
  }
}

/** Works on a developer machine of this kind: local Redis without persistence. */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** The error's message without a trailing period, to embed in a sentence. */
function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.+$/, "");
}

/**
 * Connection options for BullMQ Queues and Workers: given options (not a client), BullMQ opens
 * and closes its own connections and sets what its blocking commands need.
 */
export function redisConnectionOptions(redisUrl: string): ConnectionOptions {
  return { url: redisUrl };
}
