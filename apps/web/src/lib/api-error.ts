import type { DomainErrorCode } from "@qmc/core";

/** What the API tells about a failure (tRPC's `error.data`, shaped by packages/api/src/trpc.ts). */
export interface ApiErrorFacts {
  /** tRPC's code: UNAUTHORIZED, FORBIDDEN, CONFLICT, … ; "NETWORK" when no answer came back. */
  code: string;
  domainCode: DomainErrorCode | null;
  details: Record<string, unknown>;
  httpStatus: number | null;
  /** The server's own sentence, written for people (never internals). */
  message: string;
}

interface ErrorData {
  code?: unknown;
  domainCode?: unknown;
  details?: unknown;
  httpStatus?: unknown;
}

/** Reads a TRPCClientError (or anything thrown) without parsing its message. */
export function apiErrorFacts(error: unknown): ApiErrorFacts {
  const message = error instanceof Error ? error.message : String(error);
  const data = (error as { data?: ErrorData | null } | null)?.data;
  if (!data || typeof data.code !== "string") {
    return { code: "NETWORK", domainCode: null, details: {}, httpStatus: null, message };
  }
  return {
    code: data.code,
    domainCode: typeof data.domainCode === "string" ? (data.domainCode as DomainErrorCode) : null,
    details:
      data.details && typeof data.details === "object" ? (data.details as Record<string, unknown>) : {},
    httpStatus: typeof data.httpStatus === "number" ? data.httpStatus : null,
    message,
  };
}

/** Waiting can help: nothing answered, or Postgres/Redis did not (503). */
export function isTransientError(error: unknown): boolean {
  const { code } = apiErrorFacts(error);
  return code === "NETWORK" || code === "SERVICE_UNAVAILABLE";
}

/**
 * The session ended (expired, signed out elsewhere, account disabled). A wrong password is also
 * UNAUTHORIZED, but it carries its domain code and keeps the person where they are.
 */
export function isSessionEnded(error: unknown): boolean {
  const facts = apiErrorFacts(error);
  return facts.code === "UNAUTHORIZED" && facts.domainCode === null;
}

export function isPasswordChangeRequired(error: unknown): boolean {
  return apiErrorFacts(error).domainCode === "PASSWORD_CHANGE_REQUIRED";
}
