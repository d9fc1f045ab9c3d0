import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client.ts";

export interface PrismaClientOptions {
  /** postgresql:// URL of the database. */
  databaseUrl: string;
  /** Pool size per process. @defaultValue 10 */
  maxConnections?: number;
}

/** The node-postgres pool under each client: prepared statements run on it directly. */
const pools = new WeakMap<PrismaClient, pg.Pool>();

/**
 * One Prisma client over node-postgres. Create one per process (lazily) and
 * `$disconnect()` it on shutdown: each client owns a connection pool (also ended then).
 */
export function createPrismaClient({ databaseUrl, maxConnections = 10 }: PrismaClientOptions): PrismaClient {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections });
  // An idle connection cut by the server (restart, pg_terminate_backend) is dropped from the pool
  // and replaced on next use; without a listener the pool's "error" event would crash the process.
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(prisma, pool);
  return prisma;
}

/** A statement worth preparing: run often, with the same text every time. */
export interface PreparedStatement {
  /** Unique per text within a process: node-postgres prepares it once per connection under this name. */
  name: string;
  text: string;
}

/**
 * `timestamp(3)` columns hold UTC (as Prisma writes them); node-postgres would read them as
 * local time.
 */
const TIMESTAMP_OID = 1114;
const parseUtcTimestamp = (value: string) => new Date(`${value.replace(" ", "T")}Z`);
const UTC_TYPES = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID
      ? parseUtcTimestamp
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Runs a prepared statement on the client's own pool, bypassing Prisma's query layer: for the
 * few statements on a worker's hot path, where parsing and planning the same large statement on
 * every call, and mapping rows through Prisma, cost more than the write itself. Rows come back
 * as node-postgres gives them (jsonb parsed, timestamps as UTC dates, bigint as string).
 */
export async function queryPrepared<T>(
  prisma: PrismaClient,
  statement: PreparedStatement,
  values: unknown[],
): Promise<T[]> {
  const pool = pools.get(prisma);
  if (!pool) throw new Error("queryPrepared needs a client made by createPrismaClient");
  const result = await pool.query({ name: statement.name, text: statement.text, values, types: UTC_TYPES });
  return result.rows as T[];
}

export type { PrismaClient };
