import { handleTrpcRequest } from "@qmc/api";
import { env } from "~/env";
import { apiServices, webLogger } from "~/server/api-services";

export const dynamic = "force-dynamic";

/**
 * The control-plane API: the console's data source and every programmatic client's endpoint.
 * Services are resolved per request, so a web process that cannot reach Postgres or Redis yet
 * answers a typed 503 with Retry-After (and recovers by itself), never Next's bare 500. The body
 * streams in (Next does not buffer it), so the handler's byte limit holds before anything else.
 */
function handler(request: Request): Promise<Response> {
  return handleTrpcRequest(request, apiServices, {
    logger: webLogger(),
    trustedProxyHops: env.TRUSTED_PROXY_HOPS,
  });
}

export { handler as GET, handler as POST };
