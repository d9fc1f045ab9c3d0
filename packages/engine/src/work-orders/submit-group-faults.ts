import { DomainError } from "@qmc/core";

// How a submit group's statement failed: a row of one member (write the members one by one) or
// a database that is not answering (every member gets SERVICE_UNAVAILABLE).

/** The SQLSTATE of a node-postgres server error (it carries a severity), or null. */
function sqlStateOf(error: unknown): string | null {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return typeof severity === "string" && typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/** A row the statement refused (class 22 data, 23 integrity) or a deadlock between two groups. */
export function isRowFault(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state !== null && (state.startsWith("22") || state.startsWith("23") || state === "40P01");
}

const CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /is not queryable/,
  /^Cannot use a pool after calling end/,
];
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
]);

/**
 * The statement runs on node-postgres directly (not through Prisma, whose errors the API already
 * classifies), so a lost database is named here: SERVICE_UNAVAILABLE for postgres. Other errors
 * pass unchanged.
 */
export function postgresFault(error: unknown): unknown {
  const state = sqlStateOf(error);
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const lost =
    state !== null
      ? state.startsWith("08") || ["57P01", "57P02", "57P03", "53300", "53400"].includes(state)
      : (typeof code === "string" && SOCKET_CODES.has(code)) ||
        (typeof message === "string" && CONNECTION_MESSAGES.some((re) => re.test(message)));
  if (!lost) return error;
  const unavailable = new DomainError(
    "SERVICE_UNAVAILABLE",
    "The database is not answering; the request was not carried out. Retry in a few seconds.",
    { service: "postgres", retryAfterSeconds: 5 },
  );
  Object.defineProperty(unavailable, "cause", { value: error, configurable: true });
  return unavailable;
}
