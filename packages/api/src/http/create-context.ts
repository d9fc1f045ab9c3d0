import { authenticateRequest, isSameOriginMutation, SESSION_COOKIE } from "../auth/index.ts";
import { readCookie } from "../auth/request-auth.ts";
import type { ApiServices } from "../services.ts";
import type { ApiContext } from "../trpc.ts";

/** The tRPC context of one HTTP request, shared by the Next route and the test server. */
export async function createApiContext(
  services: ApiServices,
  headers: Headers,
  resHeaders: Headers,
): Promise<ApiContext> {
  return {
    services,
    user: await authenticateRequest(services.prisma, headers),
    sessionToken: readCookie(headers, SESSION_COOKIE),
    originOk: isSameOriginMutation(headers, services.allowedOrigins),
    userAgent: headers.get("user-agent"),
    setCookie: (cookie) => resHeaders.append("set-cookie", cookie),
  };
}
