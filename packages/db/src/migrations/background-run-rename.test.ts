import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type PrismaClient } from "../client.ts";
import { withDatabaseName } from "../database-url.ts";
import { dropDatabase, ensureDatabase } from "../ensure-database.ts";
import { applyMigrations } from "./apply-migrations.ts";
import { DEFAULT_MIGRATIONS_DIR } from "./read-migrations.ts";

/**
 * The background_run_name migration on a database that already has runs: MigrationRun becomes
 * BackgroundRun in place (a rename, not Prisma's drop + create), so every run, its audit trail
 * and the one-active-run-per-type rules survive the upgrade.
 */
const MIGRATION = "background_run_name";
const server = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const url = withDatabaseName(server, `qmc_test_background_run_name_${process.pid}_${Date.now()}`);
let before: string;
let prisma: PrismaClient | undefined;

beforeAll(async () => {
  await ensureDatabase(url);
  // The migrations as they were just before this one.
  before = await mkdtemp(path.join(os.tmpdir(), "qmc-before-background-run-"));
  const names = (await readdir(DEFAULT_MIGRATIONS_DIR)).sort();
  const cut = names.findIndex((name) => name.endsWith(`_${MIGRATION}`));
  expect(cut).toBeGreaterThan(0);
  for (const name of names.slice(0, cut)) {
    await cp(path.join(DEFAULT_MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
  }
});
afterAll(async () => {
  await prisma?.$disconnect();
  await dropDatabase(url);
  await rm(before, { recursive: true, force: true });
});

describe(`the ${MIGRATION} migration`, () => {
  it("keeps every run, its audit trail and the active-run rules", async () => {
    await applyMigrations(url, before);
    // Raw SQL: the generated client knows the new schema, these rows are written in the old one.
    const db = createPrismaClient({ databaseUrl: url, maxConnections: 1 });
    prisma = db;
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

    const { applied } = await applyMigrations(url);
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
