import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.ts";

export interface PrismaClientOptions {
  /** postgresql:// URL of the database. */
  databaseUrl: string;
  /** Pool size per process. @defaultValue 10 */
  maxConnections?: number;
}

/**
 * One Prisma client over node-postgres. Create one per process (lazily) and
 * `$disconnect()` it on shutdown: each client owns a connection pool.
 */
export function createPrismaClient({ databaseUrl, maxConnections = 10 }: PrismaClientOptions): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: maxConnections });
  return new PrismaClient({ adapter });
}

export type { PrismaClient };
