import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client.ts";
import { UTC_SESSION_SQL } from "./utc-session.ts";

/**
 * Our statements are short: bounded reads and batched writes. Postgres compiles a statement with
 * JIT when its estimated cost passes `jit_above_cost`, which one misestimate on a partial index
 * reaches: measured on the seeded million orders, the shadow comparator's windowed poll ran in
 * 2.7 ms and spent 430–630 ms compiling. (A session setting: behind PgBouncer in transaction
 * mode set it on the role instead, see docs/production.md.)
 */
const NO_JIT_SQL = "SET jit = off";

export interface PrismaClientOptions {
  /** postgresql:// URL of the database. */
  databaseUrl: string;
  /** Pool size per process. @defaultValue 10 */
  maxConnections?: number;
}

/**
 * The node-postgres pool under each client: prepared statements run on it directly. One registry
 * per process, not per copy of this module: Next bundles a package once per server layer (route
 * handlers, server rendering), and the client those layers share (kept on globalThis) must be
 * found by every copy of {@link queryPrepared}.
 */
const POOLS = Symbol.for("@qmc/db:prisma-pools");
const processGlobal = globalThis as { [POOLS]?: WeakMap<object, pg.Pool> };
processGlobal[POOLS] ??= new WeakMap();
const pools = processGlobal[POOLS];

/**
 * One Prisma client over node-postgres. Create one per process (lazily) and
 * `$disconnect()` it on shutdown: each client owns a connection pool (also ended then).
 */
export function createPrismaClient({ databaseUrl, maxConnections = 10 }: PrismaClientOptions): PrismaClient {
  // A database that silently drops packets must fail a request (a typed 503) rather than hang it.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: maxConnections,
    connectionTimeoutMillis: 5_000,
    // Awaited before the pool hands the connection out (a failure fails that checkout).
    onConnect: async (client) => {
      await client.query(UTC_SESSION_SQL);
      await client.query(NO_JIT_SQL);
    },
  });
  // A connection cut by the server (restart, pg_terminate_backend) must never crash the process:
  // an idle one is dropped by the pool, and a checked-out one between two queries (a transaction)
  // emits "error" on the client itself — its next query then fails and the caller retries.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
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
