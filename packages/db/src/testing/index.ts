import { randomBytes } from "node:crypto";
import pg from "pg";
import { createPrismaClient, type PrismaClient } from "../client.ts";
import { parseDatabaseUrl, withDatabaseName } from "../database-url.ts";
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
 * The database's own default time zone (e.g. `America/New_York`), for the test run that proves
 * the app reads and writes UTC whatever the server is set to (`npm run test:integration:tz`).
 * Unset: the server's default.
 */
const DATABASE_TIME_ZONE = process.env.TEST_DATABASE_TIMEZONE || undefined;

export interface TestDatabaseOptions {
  /** The database's default time zone. @defaultValue TEST_DATABASE_TIMEZONE, else the server's */
  timeZone?: string;
}

/**
 * A fresh database with every migration applied, unique to one test file, so test files
 * never see each other's rows. Call `drop()` in afterAll.
 */
export async function createTestDatabase(
  label: string,
  maxConnections = 5,
  { timeZone = DATABASE_TIME_ZONE }: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .slice(0, 30);
  const name = `qmc_test_${safeLabel}_${randomBytes(4).toString("hex")}`;
  const url = withDatabaseName(SERVER_URL, name);
  await ensureDatabase(url);
  // Before the migrations, so every session of the test (migrations included) starts in it.
  if (timeZone) await setDatabaseTimeZone(url, timeZone);
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

/** The default `TimeZone` of every new session on that database, as a DBA would set it. */
export async function setDatabaseTimeZone(databaseUrl: string, timeZone: string): Promise<void> {
  const { databaseName, maintenanceUrl } = parseDatabaseUrl(databaseUrl);
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    await client.query(
      `alter database ${client.escapeIdentifier(databaseName)} set timezone = ${client.escapeLiteral(timeZone)}`,
    );
  } finally {
    await client.end();
  }
}
export { createDatabaseBeforeMigration, type DatabaseBeforeMigration } from "./database-before-migration.ts";
