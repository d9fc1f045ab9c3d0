import { handleRestFetch } from "@qmc/api/rest";
import { apiServices, webLogger } from "~/server/api-services";

export const dynamic = "force-dynamic";

/**
 * The producer API (`/api/v1/*`: submit one order or a batch, the OpenAPI document), for a web
 * process run by `next start` alone. `npm start` serves these paths before Next's pipeline
 * (server.ts), which costs a fraction of this route per request; both run the same handler.
 */
function handler(request: Request): Promise<Response> {
  return handleRestFetch(request, apiServices, { logger: webLogger() });
}

export { handler as GET, handler as POST };
