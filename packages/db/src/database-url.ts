/** The parts of a postgresql:// URL that bootstrap code needs. */
export interface DatabaseUrlParts {
  databaseName: string;
  /** The same server, database `postgres`: where CREATE DATABASE is issued. */
  maintenanceUrl: string;
  /** host:port, for messages. */
  address: string;
}

export function parseDatabaseUrl(databaseUrl: string): DatabaseUrlParts {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error(`DATABASE_URL is not a valid URL: "${databaseUrl}"`);
  }
  if (url.protocol !== "postgresql:" && url.protocol !== "postgres:") {
    throw new Error(`DATABASE_URL must start with postgresql://, got "${url.protocol}//"`);
  }
  const databaseName = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(databaseName)) {
    throw new Error(`DATABASE_URL must name a database (letters, digits, _ or -), got "${databaseName}"`);
  }
  const maintenance = new URL(url.href);
  maintenance.pathname = "/postgres";
  return { databaseName, maintenanceUrl: maintenance.href, address: `${url.hostname}:${url.port || "5432"}` };
}

/** The same server and credentials, another database. */
export function withDatabaseName(databaseUrl: string, databaseName: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${databaseName}`;
  return url.href;
}

/** Works on a developer machine of this kind: local Postgres, trust auth. */
export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/queue_migration";
