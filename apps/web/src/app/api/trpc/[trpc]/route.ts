import { handleTrpcRequest } from "@qmc/api";
import { apiServices, webLogger } from "~/server/api-services";

export const dynamic = "force-dynamic";

/**
 * The control-plane API: the console's data source and every programmatic client's endpoint.
 * Services are resolved per request, so a web process that cannot reach Postgres or Redis yet
 * answers a typed 503 with Retry-After (and recovers by itself), never Next's bare 500.
 */
function handler(request: Request): Promise<Response> {
  return handleTrpcRequest(request, apiServices, { logger: webLogger() });
}

export { handler as GET, handler as POST };
