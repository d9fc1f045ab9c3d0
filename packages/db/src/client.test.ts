import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PreparedStatement, queryPrepared } from "./client.ts";
import { createTestDatabase, type TestDatabase } from "./testing/index.ts";

let db: TestDatabase;
const zone = process.env.TZ;

beforeAll(async () => {
  // Away from UTC, so reading a timestamp as local time would be caught here too.
  process.env.TZ = "America/New_York";
  db = await createTestDatabase("client");
});
afterAll(async () => {
  process.env.TZ = zone;
  await db.drop();
});

const HEARTBEAT_SINCE: PreparedStatement = {
  name: "test_heartbeat_since",
  text: `SELECT "workerId", "startedAt", "systems" FROM "WorkerHeartbeat" WHERE "startedAt" >= $1::timestamp(3) ORDER BY "workerId"`,
};

describe("queryPrepared", () => {
  it("reads what Prisma wrote, timestamps as the same UTC instants, on every call of the prepared statement", async () => {
    const startedAt = new Date("2026-03-29T01:30:00.123Z"); // a DST change in many zones: UTC must not shift
    await db.prisma.workerHeartbeat.create({
      data: {
        workerId: "w-1",
        host: "h",
        pid: 1,
        startedAt,
        lastSeenAt: startedAt,
        systems: ["NEW"],
        slotsTotal: 1,
        slotsInUse: 0,
        concurrencyLimit: 1,
        memoryUsedRatio: 0,
        memoryPressure: "none",
      },
    });
    for (let call = 0; call < 7; call++) {
      // Postgres switches a prepared statement to a generic plan after five runs: results must not change.
      const rows = await queryPrepared<{ workerId: string; startedAt: Date; systems: string[] }>(
        db.prisma,
        HEARTBEAT_SINCE,
        ["2026-01-01T00:00:00.000Z"],
      );
      expect(rows).toEqual([{ workerId: "w-1", startedAt, systems: ["NEW"] }]);
    }
  });

  it("refuses a client it did not make, instead of running elsewhere", async () => {
    const foreign = {} as typeof db.prisma;
    await expect(queryPrepared(foreign, HEARTBEAT_SINCE, [new Date().toISOString()])).rejects.toThrow(
      /createPrismaClient/,
    );
  });
});
