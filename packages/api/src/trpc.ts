import { DomainError } from "@qmc/core";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import { type Access, type ApiMeta, assertAccess } from "./auth/access.ts";
import type { AuthUser } from "./auth/index.ts";
import type { TokenScope } from "./auth/scopes.ts";
import type { SignInGuard } from "./auth/sign-in-throttle.ts";
import { domainErrorData, INTERNAL_ERROR_MESSAGE, logFailure, toTrpcError } from "./errors.ts";
import { findUnstorableValues, type InputIssue } from "./schemas/input-schemas.ts";
import type { ApiServices } from "./services.ts";

/** Per request: who is calling, whether a mutation may proceed, and the process's services. */
export interface ApiContext {
  services: ApiServices;
  user: AuthUser | null;
  /** The session cookie's token, for sign-out. */
  sessionToken: string | null;
  /** Same-origin (or allowlisted, or token-authenticated): cookie CSRF protection for mutations. */
  originOk: boolean;
  userAgent: string | null;
  /** The caller's address as the HTTP layer determined it (X-Forwarded-For), or null. */
  clientAddress: string | null;
  /** Sign-in throttling for this caller (per account and per address, in Redis). */
  signInGuard: SignInGuard;
  /** Adds a Set-Cookie header to the response (sign-in, sign-out). */
  setCookie: (cookie: string) => void;
}

/** Every procedure carries `meta.access`: who may call it (auth/access.ts). */
const withMeta = initTRPC.context<ApiContext>().meta<ApiMeta>();
const t = withMeta.create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    // Input that failed its zod schema: a 400 with the domain code INVALID_INPUT, like the
    // values the storable-input check refuses, and a sentence naming each field.
    const zodIssues =
      error.code === "BAD_REQUEST" && error.cause instanceof ZodError
        ? error.cause.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }))
        : null;
    return {
      ...shape,
      // A 500's text may be a driver's (Prisma prints the query); it stays in the server log.
      message:
        error.code === "INTERNAL_SERVER_ERROR"
          ? INTERNAL_ERROR_MESSAGE
          : zodIssues
            ? invalidInputSentence(zodIssues)
            : shape.message,
      // Stacks stay in the server log; clients get codes and facts.
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        zodIssues,
        ...(zodIssues
          ? { domainCode: "INVALID_INPUT" as const, details: { issues: zodIssues } }
          : domainErrorData(error.cause)),
      },
    };
  },
});

function invalidInputSentence(issues: InputIssue[]): string {
  const parts = issues.slice(0, 5).map((i) => `${i.path || "input"}: ${i.message}`);
  return `Invalid input: ${parts.join("; ")}${issues.length > 5 ? `; and ${issues.length - 5} more` : ""}.`;
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Domain errors and infrastructure faults → typed tRPC errors; unexpected ones are logged with
 * their stack and hidden. Client errors (zod, auth) pass through as they are.
 */
const errorMapping = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
    const typed = toTrpcError(result.error.cause ?? result.error);
    logFailure(ctx.services.logger, typed, path);
    throw typed;
  }
  return result;
});

/**
 * Every input, whatever its schema, must be storable: no NUL character in any string or key
 * (payload JSON included), dates in the range Postgres keeps, bigints within 64 bits. Refused
 * with INVALID_INPUT (400) naming each value's path, before the procedure runs.
 */
const storableInput = t.middleware(async ({ getRawInput, next }) => {
  const issues = findUnstorableValues(await getRawInput());
  if (issues.length > 0) {
    throw new DomainError("INVALID_INPUT", invalidInputSentence(issues), { issues });
  }
  return next();
});

/** Cookie-authenticated mutations must come from the console's own origin. */
const originCheck = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation" && !ctx.originOk) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "Cross-origin request refused; use the console or an API token.",
    });
  }
  return next();
});

export const publicProcedure = t.procedure
  .meta({ access: { kind: "public" } })
  .use(errorMapping)
  .use(originCheck)
  .use(storableInput);

/**
 * A procedure open to callers that `access` admits (auth/access.ts): who you are is checked before
 * where you come from and what you sent, so an anonymous call is UNAUTHORIZED and a token without
 * the scope is FORBIDDEN whatever its input. The access is also the procedure's `meta`, which a
 * test reads for every procedure of the root router.
 */
function withAccess(access: Exclude<Access, { kind: "public" }>) {
  return t.procedure
    .meta({ access })
    .use(errorMapping)
    .use(({ ctx, next }) => {
      const { user } = ctx;
      assertAccess(user, access);
      return next({ ctx: { ...ctx, user } });
    })
    .use(originCheck)
    .use(storableInput);
}

/** Signed-in people of `role`, or API tokens holding `scope` whose owner has its role. */
export const scopedProcedure = (scope: TokenScope) => withAccess({ kind: "scope", scope });
/** Reads: any viewer, or a token with `read`. */
export const viewerProcedure = scopedProcedure("read");
/** Submitting work orders: an operator, or a token with `orders:submit` (a producer's). */
export const submitOrdersProcedure = scopedProcedure("orders:submit");
/** Cancel, re-submit, in-flight migration: an operator, or a token with `orders:write`. */
export const ordersWriteProcedure = scopedProcedure("orders:write");
/** Steering the rollout and the guard's decisions: an operator, or a token with `rollout:write`. */
export const rolloutWriteProcedure = scopedProcedure("rollout:write");
/** Thresholds, salt, retirement: an admin, or an admin's token with `admin`. */
export const adminProcedure = scopedProcedure("admin");
/** Account administration (users.*): a signed-in admin, never a token. */
export const accountAdminProcedure = withAccess({ kind: "session", role: "ADMIN" });
/** Signed-in people only (minting and revoking tokens), never a token. */
export const sessionProcedure = withAccess({ kind: "session", role: "VIEWER" });
/**
 * Signed-in people, even one whose password must be changed first: for changing it and signing
 * out. Every other procedure refuses such a session with PASSWORD_CHANGE_REQUIRED.
 */
export const passwordChangeProcedure = withAccess({
  kind: "session",
  role: "VIEWER",
  duringPasswordChange: true,
});

/** Every change says why: kept with it in the audit trail. */
export const ZReason = z.string().trim().min(1, "a reason is required").max(500);

/** The actor fields every audited call passes down. */
export function actorOf(user: AuthUser) {
  return { actor: user.email, actorUserId: user.id };
}
