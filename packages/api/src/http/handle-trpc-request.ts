import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "../root-router.ts";
import type { ApiServices } from "../services.ts";
import { createApiContext } from "./create-context.ts";

/** Bodies above this are refused before parsing (payloads themselves are capped at 64 KiB). */
export const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

/** Serves `/api/trpc/*` for any fetch-style server (Next's route handler, tests). */
export async function handleTrpcRequest(
  request: Request,
  services: ApiServices,
  endpoint = "/api/trpc",
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
  return fetchRequestHandler({
    endpoint,
    req: request,
    router: appRouter,
    createContext: ({ resHeaders }) => createApiContext(services, request.headers, resHeaders),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR")
        services.logger.error({ err: error.cause ?? error, path }, "tRPC error");
    },
  });
}
