import { DomainError, isDomainError } from "@qmc/core";
import type { Logger } from "@qmc/runtime";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { INTERNAL_ERROR_MESSAGE, logFailure, retryAfterSeconds, toTrpcError } from "../errors.ts";
import type { RestErrorBody } from "./rest-schemas.ts";

/** An answer of the producer API: status, headers and a JSON body. */
export interface RestResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Where a catalog error of an order points, below the order itself. */
const FIELD_OF_CODE: Partial<Record<string, string>> = {
  UNKNOWN_TASK_KIND: "kind",
  INVALID_PAYLOAD: "payload",
  PAYLOAD_TOO_LARGE: "payload",
  COMMAND_NOT_ALLOWED: "payload",
  INVALID_PRIORITY: "priority",
};

/**
 * Any failure as the producer API answers it: the same status and code as the tRPC API gives the
 * same failure (its `domainCode`, else its tRPC code), a sentence, the field at fault when known,
 * the facts, and `Retry-After` for 429 and 503. A 500 says only that it was logged.
 */
export function restError(
  error: unknown,
  context: { logger?: Logger | undefined; path?: string; batch?: boolean } = {},
): RestResponse {
  const { logger, path, batch = false } = context;
  const typed = toTrpcError(error);
  if (logger) logFailure(logger, typed, path);
  const status = getHTTPStatusCodeFromError(typed);
  const domain = isDomainError(typed.cause) ? typed.cause : null;
  const internal = typed.code === "INTERNAL_SERVER_ERROR";
  const field = domain ? fieldOf(domain, batch) : undefined;
  const details = domain && Object.keys(domain.details).length > 0 ? domain.details : undefined;
  const body: RestErrorBody = {
    error: {
      code: domain?.code ?? (internal ? "INTERNAL_ERROR" : typed.code),
      message: internal ? INTERNAL_ERROR_MESSAGE : typed.message,
      ...(field ? { field } : {}),
      ...(details && !internal ? { details } : {}),
    },
  };
  const wait = retryAfterSeconds(typed);
  return { status, headers: wait === null ? {} : { "retry-after": String(wait) }, body };
}

/** A refusal made here, with its field: INVALID_INPUT and the like. */
export function invalidInput(message: string, field?: string, details: Record<string, unknown> = {}) {
  return new DomainError("INVALID_INPUT", message, { ...details, ...(field ? { field } : {}) });
}

/**
 * The field a domain error names: given outright, or an order's field — in a batch, below the
 * order's index (a batch of one names no index: it is order 0).
 */
function fieldOf(error: DomainError, batch: boolean): string | undefined {
  const { field, index } = error.details as { field?: unknown; index?: unknown };
  if (typeof field === "string") return field;
  const below = FIELD_OF_CODE[error.code];
  const at = typeof index === "number" ? index : batch && below ? 0 : null;
  if (at !== null) return below ? `orders.${at}.${below}` : `orders.${at}`;
  return below;
}
