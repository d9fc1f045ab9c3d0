import { randomUUID } from "node:crypto";
import { Queue, QueueEvents, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelRequestChannel } from "./cancel-bus.ts";
import { configChangeChannel } from "./config-bus.ts";
import {
  checkRedis,
  connectRedis,
  createRedisConnection,
  DEFAULT_REDIS_URL,
  RedisUnavailableError,
} from "./redis-connection.ts";

const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
const prefix = `test-${randomUUID()}`;
const connections: Redis[] = [];

function connection(role: Parameters<typeof createRedisConnection>[1]) {
  const c = createRedisConnection(redisUrl, role);
  connections.push(c);
  return c;
}

afterAll(async () => {
  const cleaner = await connectRedis(redisUrl, "producer");
  const keys = await cleaner.keys(`${prefix}*`);
  if (keys.length) await cleaner.del(...keys);
  await cleaner.quit();
  await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
});

describe("Redis round trip", () => {
  let queue: Queue;
  beforeAll(() => {
    queue = new Queue("round-trip", { connection: connection("producer"), prefix });
    queue.on("error", () => {});
  });
  afterAll(() => queue.close());

  it("a BullMQ job added by a producer is processed by a worker and its result comes back", async () => {
    const events = new QueueEvents("round-trip", { connection: connection("worker"), prefix });
    await events.waitUntilReady();
    const worker = new Worker("round-trip", async (job) => ({ doubled: (job.data as { n: number }).n * 2 }), {
      connection: connection("worker"),
      prefix,
    });
    try {
      const job = await queue.add("double", { n: 21 }, { jobId: "job-1" });
      const result = await job.waitUntilFinished(events, 10_000);
      expect(result).toEqual({ doubled: 42 });
      // Same jobId again is a no-op: the transport dedupes repeated enqueues.
      const again = await queue.add("double", { n: 99 }, { jobId: "job-1" });
      expect((await queue.getJob(again.id ?? ""))?.data).toEqual({ n: 21 });
    } finally {
      await worker.close();
      await events.close();
    }
  });

  it("a config change published on the bus reaches a subscriber; malformed messages are dropped", async () => {
    const channel = configChangeChannel(prefix);
    const received: number[] = [];
    const unsubscribe = await channel.subscribe(connection("subscriber"), (m) => received.push(m.version));
    const publisher = await connectRedis(redisUrl, "producer");
    connections.push(publisher);
    await publisher.publish(channel.name, "not json");
    await publisher.publish(channel.name, JSON.stringify({ version: "7" }));
    await channel.publish(publisher, { version: 7 });
    await expect.poll(() => received, { timeout: 2000 }).toEqual([7]);
    await unsubscribe();
  });

  it("channels are separated by prefix and topic", async () => {
    const mine = cancelRequestChannel(prefix);
    const other = cancelRequestChannel(`${prefix}-other`);
    const received: string[] = [];
    const unsubscribe = await mine.subscribe(connection("subscriber"), (m) => received.push(m.workOrderId));
    const publisher = await connectRedis(redisUrl, "producer");
    connections.push(publisher);
    await other.publish(publisher, { workOrderId: "not-mine" });
    await configChangeChannel(prefix).publish(publisher, { version: 1 });
    await mine.publish(publisher, { workOrderId: "mine" });
    await expect.poll(() => received, { timeout: 2000 }).toEqual(["mine"]);
    await unsubscribe();
  });

  it("checkRedis names the address and how to start Redis when nothing answers", async () => {
    await expect(checkRedis(redisUrl)).resolves.toBeUndefined();
    const error = await checkRedis("redis://127.0.0.1:1", 500).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toMatch(/127\.0\.0\.1:1.*redis-server/);
  });
});
