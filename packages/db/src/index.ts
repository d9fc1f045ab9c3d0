export {
  createPrismaClient,
  type PreparedStatement,
  type PrismaClient,
  type PrismaClientOptions,
  queryPrepared,
} from "./client.ts";
export { isUnavailableSqlState, PG_CONNECTION_MESSAGES, SOCKET_ERROR_CODES } from "./connection-faults.ts";
export { DEFAULT_DATABASE_URL, parseDatabaseUrl, withDatabaseName } from "./database-url.ts";
export { checkPostgres, DatabaseUnavailableError, dropDatabase, ensureDatabase } from "./ensure-database.ts";
export type {
  ApiToken,
  AuditEvent,
  BackgroundRun,
  ExecutionAttempt,
  GateDecision,
  LegacyStatusChange,
  LegacyWorkOrder,
  QueueConfig,
  ShadowComparison,
  StateTransition,
  User,
  WorkerHeartbeat,
  WorkOrder,
} from "./generated/prisma/client.ts";
export { Prisma } from "./generated/prisma/client.ts";
export * from "./generated/prisma/enums.ts";
