import type { Logger } from "@qmc/runtime";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { logFailure, retryAfterSeconds, toTrpcError } from "../errors.ts";
import { appRouter } from "../root-router.ts";
import type { ApiServices } from "../services.ts";
import { createApiContext } from "./create-context.ts";

/** Bodies above this are refused before parsing (payloads themselves are capped at 64 KiB). */
export const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

/** The process's services, or how to get them (built on first use, see {@link lazyApiServices}). */
export type ApiServicesSource = ApiServices | (() => Promise<ApiServices>);

export interface HandleTrpcRequestOptions {
  /** Where the router is mounted. @defaultValue "/api/trpc" */
  endpoint?: string;
  /** Logs failures when the services themselves could not be built (they bring their own logger). */
  logger?: Logger;
}

/**
 * Serves `/api/trpc/*` for any fetch-style server (Next's route handler, tests). Every failure
 * is a typed tRPC error: services that cannot be built or reached answer 503 with `Retry-After`.
 */
export async function handleTrpcRequest(
  request: Request,
  source: ApiServicesSource,
  options: HandleTrpcRequestOptions = {},
): Promise<Response> {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_REQUEST_BYTES) {
    return Response.json(
      {
        error: {
          message: `Request body over ${MAX_REQUEST_BYTES} bytes`,
          data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 },
        },
      },
      { status: 413 },
    );
  }
  let services: ApiServices | undefined;
  return fetchRequestHandler({
    endpoint: options.endpoint ?? "/api/trpc",
    req: request,
    router: appRouter,
    async createContext({ resHeaders }) {
      try {
        services = typeof source === "function" ? await source() : source;
      } catch (error) {
        throw toTrpcError(error);
      }
      return createApiContext(services, request.headers, resHeaders);
    },
    responseMeta({ errors }) {
      const waits = errors.map(retryAfterSeconds).filter((s): s is number => s !== null);
      return waits.length ? { headers: new Headers({ "retry-after": String(Math.max(...waits)) }) } : {};
    },
    onError({ error, path }) {
      // Procedures log their own failures; this catches the rest (context, services, parsing).
      const logger = services?.logger ?? options.logger;
      if (logger) logFailure(logger, error, path);
    },
  });
}
