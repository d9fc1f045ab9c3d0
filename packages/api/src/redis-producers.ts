import { SystemQueues } from "@qmc/engine";
import { createRedisConnection, type Redis, type RedisRole } from "@qmc/transport";
import { serviceUnavailable } from "./infra-errors.ts";

/** How long building a web process's services waits for Redis before answering 503. */
export const REDIS_READY_TIMEOUT_MS = 3_000;

/**
 * The queues a web process submits to. Producers fail fast (BullMQ's production guide): with no
 * offline queue, a command while Redis is down fails at once instead of hanging the request for
 * minutes. Resolves once both systems' queues are connected; after `timeoutMs`, or when Redis
 * refuses, closes them and throws SERVICE_UNAVAILABLE (redis).
 */
export async function openProducerQueues(
  redisUrl: string,
  prefix: string,
  onError: (error: Error) => void,
  timeoutMs = REDIS_READY_TIMEOUT_MS,
): Promise<SystemQueues> {
  const queues = new SystemQueues({ url: redisUrl, enableOfflineQueue: false }, prefix, onError);
  try {
    await withDeadline(
      Promise.all([queues.legacy.waitUntilReady(), queues.newSystem.waitUntilReady()]),
      timeoutMs,
    );
    return queues;
  } catch (error) {
    await queues.close().catch(() => {});
    throw serviceUnavailable("redis", error);
  }
}

/**
 * A connected Redis client for `role`, or SERVICE_UNAVAILABLE (redis) after `timeoutMs` — with
 * the client disconnected, not left reconnecting in the background.
 */
export async function connectRedisOrFail(
  redisUrl: string,
  role: RedisRole,
  timeoutMs = REDIS_READY_TIMEOUT_MS,
): Promise<Redis> {
  const client = createRedisConnection(redisUrl, role, { lazyConnect: true });
  client.on("error", () => {}); // the caller attaches its own; a refused connect is thrown below
  try {
    await withDeadline(client.connect(), timeoutMs);
    return client;
  } catch (error) {
    client.disconnect();
    throw serviceUnavailable("redis", error);
  }
}

async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis not ready after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
