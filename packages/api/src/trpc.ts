import { isDomainError } from "@qmc/core";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import { type AuthUser, hasRole, type Role } from "./auth/index.ts";
import { domainErrorData, toTrpcError } from "./errors.ts";
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
  /** Adds a Set-Cookie header to the response (sign-in, sign-out). */
  setCookie: (cookie: string) => void;
}

const t = initTRPC.context<ApiContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zodIssues =
      error.cause instanceof ZodError
        ? error.cause.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }))
        : null;
    return {
      ...shape,
      // Stacks stay in the server log; clients get codes and facts.
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        zodIssues,
        ...domainErrorData(error.cause),
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Domain errors → typed tRPC errors; unexpected ones are logged with their stack and hidden. */
const errorMapping = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (isDomainError(cause)) throw toTrpcError(cause);
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      ctx.services.logger.error({ err: cause ?? result.error, path }, "procedure failed");
      throw toTrpcError(cause);
    }
  }
  return result;
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

export const publicProcedure = t.procedure.use(errorMapping).use(originCheck);

/** Who you are is checked before where you come from: an anonymous call is UNAUTHORIZED. */
function withRole(role: Role) {
  return t.procedure
    .use(errorMapping)
    .use(({ ctx, next }) => {
      if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in, or send an API token." });
      if (!hasRole(ctx.user, role)) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message: `This needs the ${role.toLowerCase()} role; you are ${ctx.user.role.toLowerCase()}.`,
        });
      }
      return next({ ctx: { ...ctx, user: ctx.user } });
    })
    .use(originCheck);
}

export const viewerProcedure = withRole("VIEWER");
export const operatorProcedure = withRole("OPERATOR");
export const adminProcedure = withRole("ADMIN");

/** Every change says why: kept with it in the audit trail. */
export const ZReason = z.string().trim().min(1, "a reason is required").max(500);

/** The actor fields every audited call passes down. */
export function actorOf(user: AuthUser) {
  return { actor: user.email, actorUserId: user.id };
}
