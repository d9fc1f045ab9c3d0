export { createPrismaClient, type PrismaClient, type PrismaClientOptions } from "./client.ts";
export { DEFAULT_DATABASE_URL, parseDatabaseUrl, withDatabaseName } from "./database-url.ts";
export { checkPostgres, DatabaseUnavailableError, dropDatabase, ensureDatabase } from "./ensure-database.ts";
export { Prisma } from "./generated/prisma/client.ts";
export * from "./generated/prisma/enums.ts";
export type * from "./generated/prisma/models.ts";
