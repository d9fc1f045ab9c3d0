import { randomUUID } from "node:crypto";
import pg from "pg";
import { UTC_SESSION_SQL } from "../utc-session.ts";
import { DEFAULT_MIGRATIONS_DIR, readMigrations } from "./read-migrations.ts";

/**
 * Applies prisma/migrations offline and records them in `_prisma_migrations` exactly as
 * Prisma Migrate does, so `prisma migrate status`/`deploy` on a machine with the schema
 * engine sees the same database as up to date.
 */

/** Prisma Migrate's own advisory lock key: our applier and Prisma's exclude each other. */
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"            VARCHAR(64) NOT NULL,
    "finished_at"         TIMESTAMPTZ,
    "migration_name"      VARCHAR(255) NOT NULL,
    "logs"                TEXT,
    "rolled_back_at"      TIMESTAMPTZ,
    "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`;

export class MigrationError extends Error {
  readonly code = "MIGRATION_FAILED";
}

export interface ApplyMigrationsResult {
  applied: string[];
  alreadyApplied: number;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export async function applyMigrations(
  databaseUrl: string,
  migrationsDir = DEFAULT_MIGRATIONS_DIR,
): Promise<ApplyMigrationsResult> {
  const migrations = await readMigrations(migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // A migration that stamps rows (`CURRENT_TIMESTAMP` into a timestamp(3) column) writes UTC.
    await client.query(UTC_SESSION_SQL);
    await client.query("select pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<AppliedRow>(
      `select migration_name, checksum, finished_at, rolled_back_at from "_prisma_migrations"`,
    );
    assertNoFailedMigration(rows);
    const applied = new Map(rows.filter((r) => r.finished_at).map((r) => [r.migration_name, r.checksum]));

    const result: ApplyMigrationsResult = { applied: [], alreadyApplied: 0 };
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new MigrationError(
            `Migration ${migration.name} was edited after it was applied (checksum differs). ` +
              "Restore its migration.sql and put the change in a new migration (npm run db:new-migration).",
          );
        }
        result.alreadyApplied += 1;
        continue;
      }
      await applyOne(client, migration.name, migration.sql, migration.checksum);
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await client.query("select pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}

function assertNoFailedMigration(rows: AppliedRow[]): void {
  const failed = rows.find((r) => !r.finished_at && !r.rolled_back_at);
  if (failed) {
    throw new MigrationError(
      `Migration ${failed.migration_name} started but never finished in this database. ` +
        "Inspect the database, then mark it rolled back (prisma migrate resolve --rolled-back) or fix it by hand.",
    );
  }
}

/** One migration, its SQL and its bookkeeping row in one transaction: all or nothing. */
async function applyOne(client: pg.Client, name: string, sql: string, checksum: string): Promise<void> {
  try {
    await client.query("begin");
    await client.query(sql);
    await client.query(
      `insert into "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count)
       values ($1, $2, now(), $3, null, now(), 1)`,
      [randomUUID(), checksum, name],
    );
    await client.query("commit");
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw new MigrationError(`Migration ${name} failed and was rolled back: ${(error as Error).message}`);
  }
}

export { DEFAULT_MIGRATIONS_DIR };
