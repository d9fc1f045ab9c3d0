import { handleTrpcRequest } from "@qmc/api";
import { apiServices } from "~/server/api-services";

export const dynamic = "force-dynamic";

/** The control-plane API: the console's data source and every programmatic client's endpoint. */
async function handler(request: Request): Promise<Response> {
  return handleTrpcRequest(request, await apiServices());
}

export { handler as GET, handler as POST };
