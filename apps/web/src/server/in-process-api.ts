import "server-only";
import { handleTrpcRequest } from "@qmc/api";
import { env } from "~/env";
import { apiServices, webLogger } from "./api-services";

/**
 * A `fetch` that answers from the control-plane API in this process, through the same handler as
 * /api/trpc (limits, authentication, typed errors), without a network hop: server rendering calls
 * the API exactly as the browser does, as the person whose cookie came with the page request.
 */
export const inProcessApiFetch: typeof fetch = async (input, init) =>
  handleTrpcRequest(new Request(input, init), apiServices, {
    logger: webLogger(),
    trustedProxyHops: env.TRUSTED_PROXY_HOPS,
  });
