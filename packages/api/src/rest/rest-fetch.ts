import { type ApiServicesSource, MAX_REQUEST_BYTES } from "../http/handle-trpc-request.ts";
import { readBoundedBody } from "../http/request-limits.ts";
import { bodyLimitFor } from "./request-body.ts";
import { type RestResponse, restError } from "./rest-errors.ts";
import { type HandleRestOptions, handleRestRequest } from "./rest-handler.ts";

/**
 * The producer API for fetch-style servers (a Next route handler): the body is counted as it
 * arrives and refused past its limit (413, the connection closed) before anything else runs.
 */
export async function handleRestFetch(
  request: Request,
  source: ApiServicesSource,
  options: HandleRestOptions = {},
): Promise<Response> {
  const { pathname } = new URL(request.url);
  const body = await readBoundedBody(request, bodyLimitFor(pathname) ?? MAX_REQUEST_BYTES);
  if (!body.ok) {
    const refused = toResponse(restError(body.refusal));
    refused.headers.set("connection", "close");
    return refused;
  }
  const answer = await handleRestRequest(
    { method: request.method, path: pathname, headers: request.headers, body: body.bytes },
    source,
    options,
  );
  return toResponse(answer);
}

export function toResponse({ status, headers, body }: RestResponse): Response {
  return Response.json(body, {
    status,
    headers: { ...headers, "cache-control": headers["cache-control"] ?? "no-store" },
  });
}
