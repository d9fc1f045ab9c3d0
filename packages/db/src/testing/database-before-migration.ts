import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPrismaClient, type PrismaClient } from "../client.ts";
import { withDatabaseName } from "../database-url.ts";
import { dropDatabase, ensureDatabase } from "../ensure-database.ts";
import { type ApplyMigrationsResult, applyMigrations } from "../migrations/apply-migrations.ts";
import { DEFAULT_MIGRATIONS_DIR } from "../migrations/read-migrations.ts";

const SERVER_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/**
 * A database at the schema just before one migration, for testing that migration on rows written
 * the old way (as an upgrade meets them). Write them with raw SQL: the generated client knows
 * the new schema only.
 */
export interface DatabaseBeforeMigration {
  url: string;
  /** A client on the database (raw SQL until {@link upgrade}). */
  prisma: PrismaClient;
  /** Applies the rest of the migrations, the one under test first. */
  upgrade(): Promise<ApplyMigrationsResult>;
  drop(): Promise<void>;
}

/** @param migration the migration's name without its timestamp, e.g. `history_once`. */
export async function createDatabaseBeforeMigration(migration: string): Promise<DatabaseBeforeMigration> {
  const names = (await readdir(DEFAULT_MIGRATIONS_DIR)).sort();
  const cut = names.findIndex((name) => name.endsWith(`_${migration}`));
  if (cut < 1) throw new Error(`no migration named ${migration} after the first`);
  const before = await mkdtemp(path.join(os.tmpdir(), `qmc-before-${migration}-`));
  for (const name of names.slice(0, cut)) {
    await cp(path.join(DEFAULT_MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
  }
  const url = withDatabaseName(SERVER_URL, `qmc_test_${migration}_${process.pid}_${Date.now()}`);
  await ensureDatabase(url);
  await applyMigrations(url, before);
  const prisma = createPrismaClient({ databaseUrl: url, maxConnections: 1 });
  return {
    url,
    prisma,
    upgrade: () => applyMigrations(url),
    async drop() {
      await prisma.$disconnect();
      await dropDatabase(url);
      await rm(before, { recursive: true, force: true });
    },
  };
}
