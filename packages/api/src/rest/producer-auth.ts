import { TRPCError } from "@trpc/server";
import { assertAccess } from "../auth/access.ts";
import type { AuthUser } from "../auth/auth-user.ts";
import { bearerToken } from "../auth/request-auth.ts";
import type { TokenScope } from "../auth/scopes.ts";
import type { TokenCache } from "../auth/token-cache.ts";

/** The user behind a producer's token (always `via: "token"`, with its token id). */
export type TokenUser = AuthUser & { via: "token"; tokenId: string };

/**
 * The caller of a producer API request: an API token (`Authorization: Bearer qmc_…`) holding
 * `scope` whose owner still has the scope's role. Cookies are never read here: the producer API
 * is for programs, and a browser cannot attach a bearer cross-site, so there is no CSRF to guard.
 * @throws TRPCError UNAUTHORIZED (401) | DomainError SCOPE_MISSING, TRPCError FORBIDDEN (403)
 */
export async function authenticateProducer(
  headers: Headers,
  tokens: TokenCache,
  scope: TokenScope,
): Promise<TokenUser> {
  const bearer = bearerToken(headers);
  if (bearer === null) {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: "Send an API token: Authorization: Bearer qmc_… (create one on the console's Users page).",
    });
  }
  const user = await tokens.resolve(bearer);
  if (user?.via !== "token" || !user.tokenId) {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: "This API token is unknown, revoked or expired, or its user is disabled: use a valid token.",
    });
  }
  assertAccess(user, { kind: "scope", scope });
  return user as TokenUser;
}
