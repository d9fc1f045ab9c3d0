import { emptyHistogram, type MinuteRollup, observe } from "@qmc/core";
import { createPrismaClient, type PrismaClient } from "@qmc/db";
import { createTestDatabase, setDatabaseTimeZone, type TestDatabase } from "@qmc/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeRollups } from "../metrics/rollup-store.ts";
import { RollupHourCache } from "./rollup-hour-cache.ts";
import { streamWindowOf } from "./rollup-sums.ts";

// Behind UTC and behind New York (the CI's other database zone): a stamp in it looks hours old.
const WESTERN_ZONE = "Pacific/Pago_Pago"; // UTC−11, no daylight saving

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("rollup_cache_zone");
});
afterAll(() => db.drop());

const MINUTE = 60_000;
const HOUR = 3_600_000;
const hourStart = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
const window = { from: new Date(hourStart), to: new Date(hourStart + 2 * HOUR) };

function completed(minute: number, n: number): MinuteRollup {
  const endToEnd = emptyHistogram();
  for (let i = 0; i < n; i++) observe(endToEnd, 250);
  return {
    stream: "LEGACY",
    minute: new Date(minute),
    counts: { submitted: n, started: n, completed: n, failed: 0, retried: 0, cancelled: 0 },
    queueWait: emptyHistogram(),
    runTime: emptyHistogram(),
    endToEnd,
  };
}

const completedIn = async (cache: RollupHourCache) =>
  streamWindowOf("LEGACY", (await cache.sum([window]))[0] ?? {}, window).completed;

describe("rollup freshness does not depend on the session's time zone", () => {
  it("stamps updatedAt in UTC even on a session left in another zone (a pooler that dropped our SET)", async () => {
    await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL TimeZone = '${WESTERN_ZONE}'`);
      // Outside the cache test's window, which must not see this row.
      await writeRollups(tx as unknown as PrismaClient, "worker:pooled", [
        completed(hourStart - 2 * HOUR, 1),
      ]);
    });
    const row = await db.prisma.metricRollup.findFirstOrThrow({ where: { source: "worker:pooled" } });
    expect(Math.abs(row.updatedAt.getTime() - Date.now())).toBeLessThan(MINUTE);
  });

  // Last: it changes the database's default zone for every later connection.
  it("forgets a cached hour that a worker connected after a change of the database's zone rewrote", async () => {
    // The second hour has a row; the first is cached empty. (A row written less than a minute
    // before the cache's last look makes it re-read that row's hour anyway: see LATE_COMMIT_SLACK_MS.)
    await writeRollups(db.prisma, "worker:a", [completed(hourStart + HOUR + 5 * MINUTE, 4)]);
    const cache = new RollupHourCache(db.prisma);
    const before = await completedIn(cache);
    await setDatabaseTimeZone(db.url, WESTERN_ZONE);
    const worker = createPrismaClient({ databaseUrl: db.url, maxConnections: 1 });
    try {
      await writeRollups(worker, "worker:b", [completed(hourStart + 20 * MINUTE, 7)]); // into the first hour
    } finally {
      await worker.$disconnect();
    }
    expect(await completedIn(cache)).toBe(before + 7);
  });
});
