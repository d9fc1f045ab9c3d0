import type { Logger } from "@qmc/runtime";
import { getErrorShape, transformTRPCResponse } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { SignInLimits } from "../auth/sign-in-throttle.ts";
import { logFailure, retryAfterSeconds, toTrpcError } from "../errors.ts";
import { appRouter } from "../root-router.ts";
import type { ApiServices } from "../services.ts";
import { clientAddress } from "./client-address.ts";
import { createApiContext } from "./create-context.ts";
import { batchRefusal, depthRefusal, readBoundedBody, requestedCalls } from "./request-limits.ts";

export { MAX_BATCH_CALLS, MAX_REQUEST_BYTES } from "./request-limits.ts";

/** The process's services, or how to get them (built on first use, see {@link lazyApiServices}). */
export type ApiServicesSource = ApiServices | (() => Promise<ApiServices>);

export interface HandleTrpcRequestOptions {
  /** Where the router is mounted. @defaultValue "/api/trpc" */
  endpoint?: string;
  /** Logs failures when the services themselves could not be built (they bring their own logger). */
  logger?: Logger;
  /**
   * Reverse proxies in front of the app that append to `X-Forwarded-For`; decides which entry is
   * the client's address (see {@link clientAddress}). @defaultValue 0
   */
  trustedProxyHops?: number;
  /** Sign-in throttling. @defaultValue DEFAULT_SIGN_IN_LIMITS */
  signInLimits?: SignInLimits;
}

/**
 * Serves `/api/trpc/*` for any fetch-style server (Next's route handler, tests). Every failure
 * is a typed tRPC error: services that cannot be built or reached answer 503 with `Retry-After`.
 * The request's limits come first — batch size, then the body counted as it arrives, then how deep
 * its inputs nest — before any service is built, anyone is authenticated or any input is parsed.
 */
export async function handleTrpcRequest(
  request: Request,
  source: ApiServicesSource,
  options: HandleTrpcRequestOptions = {},
): Promise<Response> {
  const endpoint = options.endpoint ?? "/api/trpc";
  const url = new URL(request.url);
  const calls = requestedCalls(url, endpoint);
  const tooMany = batchRefusal(calls);
  if (tooMany) return refusal(tooMany, calls);
  const body = await readBoundedBody(request);
  if (!body.ok) {
    const response = refusal(body.refusal, calls);
    // The rest of the body is never read: close the connection rather than drain it.
    response.headers.set("connection", "close");
    return response;
  }
  const tooDeep = depthRefusal(calls, url, body.bytes);
  if (tooDeep) return refusal(tooDeep, calls);

  let services: ApiServices | undefined;
  return fetchRequestHandler({
    endpoint,
    req: withBody(request, body.bytes),
    router: appRouter,
    async createContext({ resHeaders }) {
      try {
        services = typeof source === "function" ? await source() : source;
      } catch (error) {
        throw toTrpcError(error);
      }
      return createApiContext(services, request.headers, resHeaders, {
        clientAddress: clientAddress(request.headers, options.trustedProxyHops ?? 0),
        signInLimits: options.signInLimits,
      });
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

/** The request tRPC reads: the bytes already counted, and the caller's URL, method, headers and signal. */
function withBody(request: Request, bytes: Uint8Array<ArrayBuffer> | null): Request {
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  headers.delete("transfer-encoding");
  return new Request(request.url, {
    method: request.method,
    headers,
    signal: request.signal,
    ...(bytes && request.method !== "GET" && request.method !== "HEAD" ? { body: bytes } : {}),
  });
}

/**
 * A refused request's answer, shaped as tRPC shapes errors (one per call of a batch, through the
 * router's error formatter, so `data.domainCode` and `data.details` are there): it never reaches
 * tRPC, whose method and procedure checks would otherwise answer first.
 */
function refusal(cause: Error, calls: { batch: boolean; paths: string[] }): Response {
  const error = toTrpcError(cause);
  const config = appRouter._def._config;
  const shapes = calls.paths.map((path) =>
    transformTRPCResponse(config, {
      error: getErrorShape({ config, error, type: "unknown", path, input: undefined, ctx: undefined }),
    }),
  );
  return Response.json(calls.batch ? shapes : shapes[0], {
    status: getHTTPStatusCodeFromError(error),
    headers: { vary: "trpc-accept, accept" },
  });
}
