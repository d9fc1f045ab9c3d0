import { appendFile, cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withDatabaseName } from "../database-url.ts";
import { dropDatabase, ensureDatabase } from "../ensure-database.ts";
import { applyMigrations, MigrationError } from "./apply-migrations.ts";
import { DEFAULT_MIGRATIONS_DIR, readMigrations } from "./read-migrations.ts";

const server = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const url = withDatabaseName(server, `qmc_test_applier_${process.pid}_${Date.now()}`);

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("applyMigrations on an empty database", () => {
  beforeAll(async () => {
    expect(await ensureDatabase(url)).toBe(true);
  });
  afterAll(() => dropDatabase(url));

  it("creates a missing database once and reports that it exists afterwards", async () => {
    expect(await ensureDatabase(url)).toBe(false);
  });

  it("applies every migration and records it as Prisma Migrate would", async () => {
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);
    const result = await applyMigrations(url);
    expect(result.applied).toEqual(files.map((f) => f.name));

    const rows = await query<{
      id: string;
      checksum: string;
      migration_name: string;
      finished_at: Date | null;
      applied_steps_count: number;
      rolled_back_at: Date | null;
    }>(`select * from "_prisma_migrations" order by migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, row] of rows.entries()) {
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.checksum).toBe(files[i]?.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("is idempotent: a second run applies nothing", async () => {
    const result = await applyMigrations(url);
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toBe((await readMigrations()).length);
  });

  it("refuses a migration edited after it was applied", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "qmc-migrations-"));
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const [first] = await readMigrations(dir);
    await appendFile(path.join(dir, first?.name ?? "", "migration.sql"), "\n-- edited\n");
    await expect(applyMigrations(url, dir)).rejects.toThrow(/was edited after it was applied/);
  });

  it("rolls back a failing migration completely and names it", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "qmc-migrations-"));
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const bad = path.join(dir, "29991231000000_broken");
    await mkdir(bad);
    await writeFile(
      path.join(bad, "migration.sql"),
      'CREATE TABLE "Half" (id int);\nSELECT no_such_function();\n',
    );
    const error = await applyMigrations(url, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain("29991231000000_broken");
    const half = await query(`select to_regclass('"Half"') as t`);
    expect(half[0]).toEqual({ t: null });
    const recorded = await query(
      `select 1 from "_prisma_migrations" where migration_name = '29991231000000_broken'`,
    );
    expect(recorded).toHaveLength(0);
  });
});
