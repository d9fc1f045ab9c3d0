/**
 * How node-postgres says the database is gone — one list for every layer that must answer a
 * lost database with SERVICE_UNAVAILABLE (the API's fault classifier, the submit group that runs
 * its statement on the pool directly).
 */

/** Class 08 (connection exception), admin/crash shutdown, cannot connect now, too many connections. */
export function isUnavailableSqlState(sqlState: string): boolean {
  return sqlState.startsWith("08") || ["57P01", "57P02", "57P03", "53300", "53400"].includes(sqlState);
}

/** node-postgres and its pool, when the server went away or never answered. */
export const PG_CONNECTION_MESSAGES: readonly RegExp[] = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /is not queryable/,
  /^Cannot use a pool after calling end/,
];

/** Node socket errors: the peer is not there. */
export const SOCKET_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);
