import { DomainError } from "@qmc/core";
import { isUnavailableSqlState, PG_CONNECTION_MESSAGES, SOCKET_ERROR_CODES } from "@qmc/db";

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
      ? isUnavailableSqlState(state)
      : (typeof code === "string" && SOCKET_ERROR_CODES.has(code)) ||
        (typeof message === "string" && PG_CONNECTION_MESSAGES.some((re) => re.test(message)));
  if (!lost) return error;
  const unavailable = new DomainError(
    "SERVICE_UNAVAILABLE",
    "The database is not answering; the request was not carried out. Retry in a few seconds.",
    { service: "postgres", retryAfterSeconds: 5 },
  );
  Object.defineProperty(unavailable, "cause", { value: error, configurable: true });
  return unavailable;
}
