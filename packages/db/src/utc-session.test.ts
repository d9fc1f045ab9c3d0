import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PreparedStatement, queryPrepared } from "./client.ts";
import { applyMigrations } from "./migrations/apply-migrations.ts";
import { createTestDatabase, type TestDatabase } from "./testing/index.ts";

// Far from UTC and from New York (the CI's other zone), so a session left in it is unmistakable.
const DATABASE_ZONE = "Pacific/Kiritimati"; // UTC+14

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("utc_session", 3, { timeZone: DATABASE_ZONE });
});
afterAll(() => db.drop());

const SESSION_ZONE: PreparedStatement = {
  name: "test_session_zone",
  text: "SELECT current_setting('TimeZone') AS zone, now()::timestamp(3) AS local_now",
};

/** Milliseconds between a `timestamp` the database stamped and this process's clock. */
const skewOf = (stamped: Date) => Math.abs(stamped.getTime() - Date.now());

describe("every connection runs in UTC, whatever the database's default time zone", () => {
  it("Prisma queries, transactions and prepared statements, on every connection of the pool", async () => {
    // Three at once: each runs on its own connection, all opened by the pool.
    const zones = await Promise.all(
      [0, 1, 2].map(
        () => db.prisma.$queryRaw<Array<{ zone: string }>>`
        SELECT current_setting('TimeZone') AS zone, pg_sleep(0.05)::text`,
      ),
    );
    expect(zones.map((rows) => rows[0]?.zone)).toEqual(["UTC", "UTC", "UTC"]);
    // And without JIT (client.ts says why).
    const [jit] = await db.prisma.$queryRaw<Array<{ jit: string }>>`SELECT current_setting('jit') AS jit`;
    expect(jit?.jit).toBe("off");
    const inTransaction = await db.prisma.$transaction(
      (tx) => tx.$queryRaw<Array<{ zone: string }>>`SELECT current_setting('TimeZone') AS zone`,
    );
    expect(inTransaction[0]?.zone).toBe("UTC");
    const [prepared] = await queryPrepared<{ zone: string; local_now: Date }>(db.prisma, SESSION_ZONE, []);
    expect(prepared?.zone).toBe("UTC");
    // The database's clock into a timestamp(3) column reads as this instant, not 14 h ahead.
    expect(skewOf(prepared?.local_now ?? new Date(0))).toBeLessThan(60_000);
  });

  it("the migration applier too: a migration stamping CURRENT_TIMESTAMP writes UTC", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "qmc-utc-migration-"));
    try {
      await mkdir(path.join(dir, "20990101000000_stamp"));
      await writeFile(
        path.join(dir, "20990101000000_stamp", "migration.sql"),
        `CREATE TABLE "Stamp" ("at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP);
         INSERT INTO "Stamp" DEFAULT VALUES;`,
      );
      await applyMigrations(db.url, dir);
      const [row] = await db.prisma.$queryRaw<Array<{ at: Date }>>`SELECT "at" FROM "Stamp"`;
      expect(skewOf(row?.at ?? new Date(0))).toBeLessThan(60_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
