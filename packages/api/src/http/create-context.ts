import { authenticateRequest, isSameOriginMutation, SESSION_COOKIE } from "../auth/index.ts";
import { readCookie } from "../auth/request-auth.ts";
import { toTrpcError } from "../errors.ts";
import type { ApiServices } from "../services.ts";
import type { ApiContext } from "../trpc.ts";

/**
 * The tRPC context of one HTTP request, shared by the Next route and the test server. It runs
 * before any procedure (the API token or session lookup), so its failures are typed here: a
 * database that does not answer is a 503, never a 500 carrying Prisma's text.
 */
export async function createApiContext(
  services: ApiServices,
  headers: Headers,
  resHeaders: Headers,
): Promise<ApiContext> {
  let user: ApiContext["user"];
  try {
    user = await authenticateRequest(services.prisma, headers);
  } catch (error) {
    throw toTrpcError(error);
  }
  return {
    services,
    user,
    sessionToken: readCookie(headers, SESSION_COOKIE),
    originOk: isSameOriginMutation(headers, services.allowedOrigins),
    userAgent: headers.get("user-agent"),
    setCookie: (cookie) => resHeaders.append("set-cookie", cookie),
  };
}
