import { randomBytes } from "node:crypto";
import { createPrismaClient, type PrismaClient } from "../client.ts";
import { withDatabaseName } from "../database-url.ts";
import { dropDatabase, ensureDatabase } from "../ensure-database.ts";
import { applyMigrations } from "../migrations/apply-migrations.ts";

export interface TestDatabase {
  url: string;
  prisma: PrismaClient;
  /** Disconnects and drops the database. */
  drop(): Promise<void>;
}

const SERVER_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/**
 * A fresh database with every migration applied, unique to one test file, so test files
 * never see each other's rows. Call `drop()` in afterAll.
 */
export async function createTestDatabase(label: string, maxConnections = 5): Promise<TestDatabase> {
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .slice(0, 30);
  const name = `qmc_test_${safeLabel}_${randomBytes(4).toString("hex")}`;
  const url = withDatabaseName(SERVER_URL, name);
  await ensureDatabase(url);
  await applyMigrations(url);
  const prisma = createPrismaClient({ databaseUrl: url, maxConnections });
  return {
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await dropDatabase(url);
    },
  };
}
