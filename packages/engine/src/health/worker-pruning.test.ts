import { createTestDatabase, type TestDatabase } from "@qmc/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readWorkerLiveness } from "../system/system-reads.ts";
import { pruneWorkerHeartbeats } from "./worker-pruning.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("worker_pruning");
});
afterAll(() => db.drop());

const MINUTE = 60_000;

describe("pruning worker rows", () => {
  it("deletes workers stopped over 15 min ago or silent over an hour, and keeps the rest", async () => {
    const now = new Date();
    const ago = (minutes: number) => new Date(now.getTime() - minutes * MINUTE);
    const row = (workerId: string, lastSeen: number, stopped: number | null) => ({
      workerId,
      host: "h",
      pid: 1,
      startedAt: ago(300),
      lastSeenAt: ago(lastSeen),
      stoppedAt: stopped === null ? null : ago(stopped),
      systems: ["NEW"],
      slotsTotal: 4,
      slotsInUse: 0,
      concurrencyLimit: 4,
      memoryUsedRatio: 0.2,
      memoryPressure: "none",
    });
    await db.prisma.workerHeartbeat.createMany({
      data: [
        row("alive", 0, null),
        row("stopped-just-now", 5, 5),
        row("stopped-long-ago", 20, 20),
        row("silent-a-while", 30, null),
        row("silent-for-hours", 120, null),
      ],
    });
    expect(await pruneWorkerHeartbeats(db.prisma, now)).toBe(2);
    const left = await readWorkerLiveness(db.prisma, { staleAfterMs: 15_000, now });
    expect(left.map((w) => [w.workerId, w.alive]).sort()).toEqual([
      ["alive", true],
      ["silent-a-while", false],
      ["stopped-just-now", false],
    ]);
    expect(await pruneWorkerHeartbeats(db.prisma, now)).toBe(0);
  });
});
