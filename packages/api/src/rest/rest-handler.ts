import type { Logger } from "@qmc/runtime";
import type { ApiServicesSource } from "../http/handle-trpc-request.ts";
import type { ApiServices } from "../services.ts";
import { openApiDocument, REST_ROUTES } from "./openapi.ts";
import { type ProducerApiOptions, producerContextOf } from "./producer-context.ts";
import { type RestResponse, restError } from "./rest-errors.ts";
import { type SubmitCall, submitBatch, submitOne } from "./submit-endpoints.ts";

/** A request as any server hands it over: method, path (no query), headers, the body's bytes. */
export interface RestRequest {
  method: string;
  path: string;
  headers: Headers;
  body: Uint8Array | null;
}

export interface HandleRestOptions extends ProducerApiOptions {
  /** Logs failures when the services themselves could not be built. */
  logger?: Logger;
}

type Endpoint = { method: string; path: string } & (
  | { kind: "document" }
  | { kind: "submit"; batch: boolean; run: (call: SubmitCall) => Promise<RestResponse> }
);

const ENDPOINTS: Endpoint[] = [
  { ...REST_ROUTES.submit, kind: "submit", batch: false, run: submitOne },
  { ...REST_ROUTES.batch, kind: "submit", batch: true, run: submitBatch },
  { ...REST_ROUTES.openapi, kind: "document" },
];

/**
 * The producer API (`/api/v1/*`) as a plain function from request to answer, so any server can
 * mount it: a Next route handler, a bare node:http listener, a test. Every answer is JSON; every
 * failure is typed (rest-errors.ts), never a 500 with internals.
 */
export async function handleRestRequest(
  request: RestRequest,
  source: ApiServicesSource,
  options: HandleRestOptions = {},
): Promise<RestResponse> {
  const path = request.path.replace(/\/+$/, "") || "/";
  const atPath = ENDPOINTS.filter((e) => e.path === path);
  const endpoint = atPath.find((e) => e.method.toUpperCase() === request.method.toUpperCase());
  if (!endpoint) return atPath.length > 0 ? notAllowed(atPath) : notFound(path);
  if (endpoint.kind === "document") {
    return { status: 200, headers: { "cache-control": "public, max-age=300" }, body: openApiDocument() };
  }
  let services: ApiServices | undefined;
  try {
    services = typeof source === "function" ? await source() : source;
    const context = producerContextOf(services, options);
    return await endpoint.run({ headers: request.headers, body: request.body, services, context });
  } catch (error) {
    return restError(error, { logger: services?.logger ?? options.logger, path, batch: endpoint.batch });
  }
}

function notFound(path: string): RestResponse {
  const known = ENDPOINTS.map((e) => `${e.method.toUpperCase()} ${e.path}`).join(", ");
  return {
    status: 404,
    headers: {},
    body: { error: { code: "NOT_FOUND", message: `No endpoint ${path}. The producer API has: ${known}.` } },
  };
}

function notAllowed(endpoints: Endpoint[]): RestResponse {
  const allow = endpoints.map((e) => e.method.toUpperCase()).join(", ");
  return {
    status: 405,
    headers: { allow },
    body: { error: { code: "METHOD_NOT_ALLOWED", message: `Use ${allow} for this endpoint.` } },
  };
}
