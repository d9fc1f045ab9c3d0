import pg from "pg";
import { parseDatabaseUrl } from "./database-url.ts";

/** Thrown when Postgres does not answer, with what to do about it. */
export class DatabaseUnavailableError extends Error {
  readonly code = "DATABASE_UNAVAILABLE";
}

const START_HINT =
  "Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start " +
  "(or set DATABASE_URL to a server that runs).";

/** Connects to the server's maintenance database, so a missing target database is not an outage. */
export async function checkPostgres(databaseUrl: string, timeoutMs = 3000): Promise<void> {
  const { maintenanceUrl, address } = parseDatabaseUrl(databaseUrl);
  const client = new pg.Client({ connectionString: maintenanceUrl, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query("select 1");
  } catch (error) {
    throw new DatabaseUnavailableError(
      `PostgreSQL does not answer at ${address}: ${reason(error)}. ${START_HINT}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates the database named in the URL when it does not exist. Returns true when it created it. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const { databaseName, maintenanceUrl } = parseDatabaseUrl(databaseUrl);
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [databaseName]);
    if (found.rowCount) return false;
    try {
      await client.query(`create database "${databaseName}"`);
    } catch (error) {
      // Two processes starting at once: the loser sees duplicate_database (42P04).
      if ((error as { code?: string }).code === "42P04") return false;
      throw error;
    }
    return true;
  } finally {
    await client.end();
  }
}

/** Drops a database, disconnecting its sessions (test cleanup). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const { databaseName, maintenanceUrl } = parseDatabaseUrl(databaseUrl);
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists "${databaseName}" with (force)`);
  } finally {
    await client.end();
  }
}

/** The error's message without a trailing period, to embed in a sentence. */
function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.+$/, "");
}
