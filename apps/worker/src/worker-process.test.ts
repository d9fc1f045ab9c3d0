import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@qmc/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnWorker } from "./testing/spawn-worker.ts";

let db: TestDatabase;
const prefix = `test-${randomUUID()}`;

beforeAll(async () => {
  db = await createTestDatabase("worker_process");
});
afterAll(() => db.drop());

describe("the worker process", () => {
  it("starts on real Postgres and Redis, keeps a heartbeat, and stops cleanly on SIGTERM", async () => {
    const worker = spawnWorker({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, WORKER_ID: "w-sigterm" });
    await worker.waitForLine(/"msg":"worker started"/);
    const alive = await db.prisma.workerHeartbeat.findUniqueOrThrow({ where: { workerId: "w-sigterm" } });
    expect(alive.stoppedAt).toBeNull();
    expect(alive.pid).toBe(worker.child.pid);

    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    const stopped = await db.prisma.workerHeartbeat.findUniqueOrThrow({ where: { workerId: "w-sigterm" } });
    expect(stopped.stoppedAt).toBeInstanceOf(Date);
    expect(worker.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });

  it("stops cleanly on SIGINT (Ctrl-C)", async () => {
    const worker = spawnWorker({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, WORKER_ID: "w-sigint" });
    await worker.waitForLine(/"msg":"worker started"/);
    worker.child.kill("SIGINT");
    expect(await worker.exited).toBe(0);
  });

  it("refuses bad configuration with exit code 2, naming each bad variable", async () => {
    const worker = spawnWorker({ DATABASE_URL: "not-a-url", SHUTDOWN_TIMEOUT_MS: "5" });
    expect(await worker.exited).toBe(2);
    const output = worker.lines.join("\n");
    expect(output).toMatch(/DATABASE_URL: /);
    expect(output).toMatch(/SHUTDOWN_TIMEOUT_MS: /);
  });

  it("says which service does not answer and how to start it (exit code 3)", async () => {
    const noPostgres = spawnWorker({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/x" });
    expect(await noPostgres.exited).toBe(3);
    expect(noPostgres.lines.join("\n")).toMatch(
      /PostgreSQL does not answer at 127\.0\.0\.1:1.*pg_ctlcluster/,
    );

    const noRedis = spawnWorker({ DATABASE_URL: db.url, REDIS_URL: "redis://127.0.0.1:1" });
    expect(await noRedis.exited).toBe(3);
    expect(noRedis.lines.join("\n")).toMatch(/Redis does not answer at 127\.0\.0\.1:1.*redis-server/);
  });
});
