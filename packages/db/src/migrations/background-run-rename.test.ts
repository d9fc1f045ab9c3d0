import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDatabaseBeforeMigration,
  type DatabaseBeforeMigration,
} from "../testing/database-before-migration.ts";

/**
 * The background_run_name migration on a database that already has runs: MigrationRun becomes
 * BackgroundRun in place (a rename, not Prisma's drop + create), so every run, its audit trail
 * and the one-active-run-per-type rules survive the upgrade.
 */
const MIGRATION = "background_run_name";
let old: DatabaseBeforeMigration;

beforeAll(async () => {
  old = await createDatabaseBeforeMigration(MIGRATION);
});
afterAll(() => old.drop());

describe(`the ${MIGRATION} migration`, () => {
  it("keeps every run, its audit trail and the active-run rules", async () => {
    // Raw SQL: the generated client knows the new schema, these rows are written in the old one.
    const db = old.prisma;
    await db.$executeRawUnsafe(
      `INSERT INTO "MigrationRun" (id, type, status, "dryRun", filter, plan, total, processed, actor, reason,
         "updatedAt", "activeLock")
       VALUES ('run-active', 'IN_FLIGHT_MIGRATION', 'QUEUED', false, '{}', '{"total":9}', 9, 4, 'ops', 'move',
         now(), 'IN_FLIGHT_MIGRATION'),
              ('run-done', 'BULK_RESUBMIT', 'COMPLETED', false, '{}', '{}', 2, 2, 'ops', 'again', now(), NULL)`,
    );
    await db.$executeRawUnsafe(
      `INSERT INTO "AuditEvent" (actor, action, "subjectType", "subjectId")
       VALUES ('ops', 'migration.start', 'MigrationRun', 'run-active'), ('ops', 'user.create', 'User', 'u-1')`,
    );

    const { applied } = await old.upgrade();
    expect(applied.map((name) => name.replace(/^\d+_/, ""))).toContain(MIGRATION);

    const runs = await db.backgroundRun.findMany({ orderBy: { id: "asc" } });
    expect(runs).toMatchObject([
      { id: "run-active", type: "IN_FLIGHT_MIGRATION", status: "QUEUED", total: 9, processed: 4 },
      { id: "run-done", type: "BULK_RESUBMIT", status: "COMPLETED", activeLock: null },
    ]);
    expect(runs[0]?.plan).toEqual({ total: 9 });
    const trail = await db.auditEvent.findMany({ orderBy: { id: "asc" }, select: { subjectType: true } });
    expect(trail.map((e) => e.subjectType)).toEqual(["BackgroundRun", "User"]);

    // One active run per type still holds (unique lock), and the lock still follows the status.
    await expect(
      db.$executeRawUnsafe(
        `INSERT INTO "BackgroundRun" (id, type, status, "dryRun", filter, plan, actor, reason, "updatedAt", "activeLock")
         VALUES ('run-second', 'IN_FLIGHT_MIGRATION', 'QUEUED', false, '{}', '{}', 'ops', 'twice', now(),
           'IN_FLIGHT_MIGRATION')`,
      ),
    ).rejects.toThrow(/BackgroundRun_activeLock_key|Unique constraint/);
    await expect(
      db.$executeRawUnsafe(`UPDATE "BackgroundRun" SET status = 'COMPLETED' WHERE id = 'run-active'`),
    ).rejects.toThrow(/BackgroundRun_activeLock_check/);

    const names = await db.$queryRawUnsafe<Array<{ name: string }>>(
      `SELECT conname AS name FROM pg_constraint WHERE conrelid = '"BackgroundRun"'::regclass
       UNION ALL SELECT indexname FROM pg_indexes WHERE tablename = 'BackgroundRun' ORDER BY 1`,
    );
    expect(names.map((n) => n.name)).toEqual([
      "BackgroundRun_activeLock_check",
      "BackgroundRun_activeLock_key",
      "BackgroundRun_pkey",
      "BackgroundRun_pkey",
      "BackgroundRun_type_createdAt_idx",
    ]);
  });
});
