import { DomainError } from "@qmc/core";
import { isUnavailableSqlState, PG_CONNECTION_MESSAGES, SOCKET_ERROR_CODES } from "@qmc/db";

/**
 * Infrastructure faults as typed domain errors. An API call can fail because Postgres or Redis is
 * not answering (→ SERVICE_UNAVAILABLE, HTTP 503 with a retry hint) or because Postgres refused a
 * value it cannot store (→ INVALID_INPUT, 400: the input schemas should have refused it first,
 * this is the safety net). Everything else stays an internal error. No driver text reaches a client.
 */

export type UnavailableService = "postgres" | "redis";

/** What a client is told to wait before retrying (the `Retry-After` header and `details`). */
export const RETRY_AFTER_SECONDS = 5;

const SENTENCE: Record<UnavailableService, string> = {
  postgres: "The database is not answering; the request was not carried out. Retry in a few seconds.",
  redis:
    "The queue service (Redis) is not answering; the request was not carried out. Retry in a few seconds.",
};

/**
 * SERVICE_UNAVAILABLE for `service`, for call sites that know which service failed. The driver's
 * error stays attached as `cause`, for the server log only.
 */
export function serviceUnavailable(service: UnavailableService, cause?: unknown): DomainError {
  const error = new DomainError("SERVICE_UNAVAILABLE", SENTENCE[service], {
    service,
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });
  return withCause(error, cause);
}

function withCause(error: DomainError, cause: unknown): DomainError {
  if (cause !== undefined) Object.defineProperty(error, "cause", { value: cause, configurable: true });
  return error;
}

/** Prisma's own codes for "cannot reach / lost / timed out on the server". */
const PRISMA_UNAVAILABLE = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
/** Prisma's codes for a value the column cannot hold. */
const PRISMA_UNSTORABLE = new Set(["P2000", "P2020"]);
/** Driver-adapter error kinds (`meta.driverAdapterError.cause.kind`) meaning the server is gone. */
const ADAPTER_UNAVAILABLE = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);
const ADAPTER_UNSTORABLE = new Set(["ValueOutOfRange", "LengthMismatch", "InvalidInputValue"]);
/**
 * SQLSTATEs of input Postgres cannot store: string too long, numeric or datetime out of range,
 * bad datetime or text representation, NUL / invalid byte sequence, unsupported \u0000 in jsonb,
 * value too large for an index (54000).
 */
const SQLSTATE_UNSTORABLE = new Set([
  "22001",
  "22003",
  "22007",
  "22008",
  "22009",
  "22021",
  "22P02",
  "22P05",
  "54000",
]);
/** ioredis and BullMQ, when Redis is down (offline queue off, retries used up, closed). */
const REDIS_MESSAGES = [/^Connection is closed/, /enableOfflineQueue options is false/, /^Command timed out/];
const REDIS_ERROR_NAMES = new Set([
  "MaxRetriesPerRequestError",
  "ConnectionClosedError",
  "ClusterAllFailedError",
]);

type Fault = { kind: "unavailable"; service: UnavailableService } | { kind: "unstorable" };

interface Node {
  name?: unknown;
  code?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  severity?: unknown;
  message?: unknown;
  syscall?: unknown;
  cause?: unknown;
  errors?: unknown;
  meta?: { driverAdapterError?: unknown };
}

/** The fault `error` (or any error in its cause chain) stands for, or null when it is not one. */
export function classifyFault(error: unknown): Fault | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 16) {
    const node = queue.shift();
    if (typeof node !== "object" || node === null || seen.has(node)) continue;
    seen.add(node);
    const fault = classifyOne(node as Node);
    if (fault) return fault;
    const { cause, errors, meta } = node as Node;
    queue.push(cause, meta?.driverAdapterError, ...(Array.isArray(errors) ? errors : []));
  }
  return null;
}

function classifyOne(node: Node): Fault | null {
  const name = typeof node.name === "string" ? node.name : "";
  const code = typeof node.code === "string" ? node.code : "";
  const message = typeof node.message === "string" ? node.message : "";
  const postgres = { kind: "unavailable", service: "postgres" } as const;

  if (name === "PrismaClientInitializationError") return postgres;
  if (name.startsWith("PrismaClient")) {
    if (PRISMA_UNAVAILABLE.has(code)) return postgres;
    if (PRISMA_UNSTORABLE.has(code)) return { kind: "unstorable" };
    return null; // its driver error, if any, is looked at next
  }
  // A driver adapter's error description, or a node-postgres DatabaseError (it has a severity).
  const sqlState =
    typeof node.originalCode === "string"
      ? node.originalCode
      : typeof node.severity === "string" && /^[0-9A-Z]{5}$/.test(code)
        ? code
        : "";
  if (typeof node.kind === "string" && ADAPTER_UNAVAILABLE.has(node.kind)) return postgres;
  if (sqlState) {
    if (isUnavailableSqlState(sqlState)) return postgres;
    if (SQLSTATE_UNSTORABLE.has(sqlState)) return { kind: "unstorable" };
  }
  if (typeof node.kind === "string" && ADAPTER_UNSTORABLE.has(node.kind)) return { kind: "unstorable" };
  if (PG_CONNECTION_MESSAGES.some((re) => re.test(message))) return postgres;
  if (REDIS_ERROR_NAMES.has(name) || REDIS_MESSAGES.some((re) => re.test(message))) {
    return { kind: "unavailable", service: "redis" };
  }
  // A bare socket error: Postgres errors reach the API wrapped by Prisma (above), so a bare
  // one comes from ioredis (a connect, or BullMQ waiting for its connection).
  if (SOCKET_ERROR_CODES.has(code) && typeof node.syscall === "string") {
    return { kind: "unavailable", service: "redis" };
  }
  return null;
}

/**
 * The typed error an infrastructure fault becomes: SERVICE_UNAVAILABLE naming the service, or
 * INVALID_INPUT for a value Postgres cannot store. Null for anything else (a bug: stays a 500).
 */
export function infrastructureFault(error: unknown): DomainError | null {
  const fault = classifyFault(error);
  if (!fault) return null;
  if (fault.kind === "unavailable") return serviceUnavailable(fault.service, error);
  const invalid = new DomainError(
    "INVALID_INPUT",
    "The database cannot store a value of this request (a NUL character, a number or date out of range, or a value too long); nothing was changed.",
    { issues: [] },
  );
  return withCause(invalid, error);
}
