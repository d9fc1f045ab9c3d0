import { recordAudit } from "../auth/audit.ts";
import { authenticateRequest, isSameOriginMutation, SESSION_COOKIE } from "../auth/index.ts";
import { readCookie } from "../auth/request-auth.ts";
import { type SignInLimits, SignInThrottle } from "../auth/sign-in-throttle.ts";
import { toTrpcError } from "../errors.ts";
import type { ApiServices } from "../services.ts";
import type { ApiContext } from "../trpc.ts";

/** What the HTTP layer knows about a request beyond its headers. */
export interface RequestFacts {
  /** The caller's address (see clientAddress), or null when unknown. */
  clientAddress: string | null;
  signInLimits?: SignInLimits | undefined;
}

/**
 * The tRPC context of one HTTP request, shared by the Next route and the test server. It runs
 * before any procedure (the API token or session lookup), so its failures are typed here: a
 * database that does not answer is a 503, never a 500 carrying Prisma's text.
 */
export async function createApiContext(
  services: ApiServices,
  headers: Headers,
  resHeaders: Headers,
  facts: RequestFacts = { clientAddress: null },
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
    clientAddress: facts.clientAddress,
    signInGuard: signInThrottleOf(services, facts.signInLimits).guardFor(facts.clientAddress),
    setCookie: (cookie) => resHeaders.append("set-cookie", cookie),
  };
}

const throttles = new WeakMap<ApiServices, SignInThrottle>();

/**
 * The process's sign-in throttle: its counts live in Redis (the services' connection, under the
 * deployment's queue prefix), shared with every other web process. Each block that starts is
 * audited as `auth.sign_in_blocked`.
 */
function signInThrottleOf(services: ApiServices, limits?: SignInLimits): SignInThrottle {
  let throttle = throttles.get(services);
  if (!throttle) {
    throttle = new SignInThrottle(services.publisher, services.queuePrefix, limits, {
      logger: services.logger,
      block: (block) =>
        recordAudit(
          services.prisma,
          { actor: block.email },
          {
            action: "auth.sign_in_blocked",
            subjectType: block.scope === "account" ? "Account" : "ClientAddress",
            subjectId: block.key,
            after: { ...block },
          },
        ),
    });
    throttles.set(services, throttle);
  }
  return throttle;
}
