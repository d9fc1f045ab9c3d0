import { TRPCError } from "@trpc/server";
import { z } from "zod";
import {
  changeOwnPassword,
  clearedSessionCookie,
  createApiToken,
  listApiTokens,
  MAX_PASSWORD_LENGTH,
  ownsApiToken,
  revokeApiToken,
  sessionCookie,
  sessionIdOf,
  signIn,
  signOut,
} from "../../auth/index.ts";
import { PRODUCER_SCOPE, scopesGrantableBy, TOKEN_SCOPE_NAMES, TOKEN_SCOPES } from "../../auth/scopes.ts";
import { ZApiTokenSummary, ZAuthUser } from "../../schemas/model-schemas.ts";
import {
  actorOf,
  createTRPCRouter,
  passwordChangeProcedure,
  publicProcedure,
  sessionProcedure,
  viewerProcedure,
} from "../../trpc.ts";

/** Longest token lifetime a caller may ask for; without one a token lasts until revoked. */
export const MAX_TOKEN_EXPIRY_DAYS = 365;

export const ZSignInRequest = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
});

export const authRouter = createTRPCRouter({
  /**
   * Who is calling (null when signed out): the console asks this on every page, and sends a person
   * whose `mustChangePassword` is true to the password change first.
   */
  me: publicProcedure.output(ZAuthUser.nullable()).query(({ ctx }) => ctx.user),

  /**
   * Throttled per account and per client address (429 RATE_LIMITED with Retry-After) before the
   * password is checked; never batched with other calls.
   */
  signIn: publicProcedure
    .input(ZSignInRequest)
    .output(z.object({ user: ZAuthUser, expiresAt: z.date() }))
    .mutation(async ({ ctx, input }) => {
      const { prisma, sessionTtlMs, secureCookies } = ctx.services;
      const session = await signIn(
        prisma,
        { ...input, ...(ctx.userAgent ? { userAgent: ctx.userAgent.slice(0, 500) } : {}) },
        { ttlMs: sessionTtlMs, guard: ctx.signInGuard },
      );
      ctx.setCookie(sessionCookie(session.token, session.expiresAt, { secure: secureCookies }));
      return { user: session.user, expiresAt: session.expiresAt };
    }),

  signOut: passwordChangeProcedure.output(z.object({ signedOut: z.boolean() })).mutation(async ({ ctx }) => {
    if (ctx.user.via === "session" && ctx.sessionToken) await signOut(ctx.services.prisma, ctx.sessionToken);
    ctx.setCookie(clearedSessionCookie({ secure: ctx.services.secureCookies }));
    return { signedOut: true };
  }),

  /**
   * Your own password: the current one, then a new one that passes the password rule. Ends your
   * other sessions; this one stays signed in. The only mutation (with signOut) allowed while the
   * password must be changed. Sessions only: a token cannot change a password. Throttled like
   * sign-in (a wrong current password is a failed attempt of the account): 429 RATE_LIMITED.
   */
  changePassword: passwordChangeProcedure
    .input(
      z.object({
        currentPassword: z
          .string()
          .min(1)
          .max(MAX_PASSWORD_LENGTH * 2),
        newPassword: z
          .string()
          .min(1)
          .max(MAX_PASSWORD_LENGTH * 2),
      }),
    )
    .output(z.object({ changed: z.literal(true), endedSessions: z.number().int() }))
    .mutation(async ({ ctx, input }) => {
      const { endedSessions } = await changeOwnPassword(
        ctx.services.prisma,
        {
          userId: ctx.user.id,
          currentPassword: input.currentPassword,
          newPassword: input.newPassword,
          ...(ctx.sessionToken ? { keepSessionId: sessionIdOf(ctx.sessionToken) } : {}),
        },
        { guard: ctx.signInGuard },
      );
      return { changed: true as const, endedSessions };
    }),

  /**
   * The scopes a token can carry, what each allows, and whether you may grant it (your role):
   * the console's token form is built from this.
   */
  tokenScopes: viewerProcedure
    .output(
      z.array(
        z.object({
          scope: z.enum(TOKEN_SCOPE_NAMES),
          allows: z.string(),
          minRole: z.enum(["VIEWER", "OPERATOR", "ADMIN"]),
          grantable: z.boolean(),
          suggestedForProducers: z.boolean(),
        }),
      ),
    )
    .query(({ ctx }) => {
      const grantable = new Set(scopesGrantableBy(ctx.user.role));
      return TOKEN_SCOPE_NAMES.map((scope) => ({
        scope,
        ...TOKEN_SCOPES[scope],
        grantable: grantable.has(scope),
        suggestedForProducers: scope === PRODUCER_SCOPE,
      }));
    }),

  /**
   * An API token that may do what its `scopes` allow (auth.tokenScopes), while its owner keeps the
   * role each needs; none beyond the creator's role (SCOPE_NOT_ALLOWED). The token is shown once.
   * Only a signed-in person creates tokens (a token cannot mint more); `expiresInDays` (1–365)
   * makes it expire.
   */
  createToken: sessionProcedure
    .input(
      z.object({
        name: z.string().trim().min(1).max(100),
        scopes: z
          .array(z.enum(TOKEN_SCOPE_NAMES))
          .min(1, "pick at least one scope (orders:submit for a producer)")
          .max(TOKEN_SCOPE_NAMES.length * 2),
        expiresInDays: z.number().int().min(1).max(MAX_TOKEN_EXPIRY_DAYS).optional(),
      }),
    )
    /** The plain token appears here once and is never stored. */
    .output(
      z.object({
        id: z.string(),
        name: z.string(),
        prefix: z.string(),
        token: z.string(),
        expiresAt: z.date().nullable(),
        scopes: z.array(z.enum(TOKEN_SCOPE_NAMES)),
      }),
    )
    .mutation(({ ctx, input }) =>
      createApiToken(
        ctx.services.prisma,
        {
          userId: ctx.user.id,
          name: input.name,
          scopes: input.scopes,
          ...(input.expiresInDays
            ? { expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000) }
            : {}),
        },
        actorOf(ctx.user),
      ),
    ),

  tokens: viewerProcedure
    .output(z.array(ZApiTokenSummary))
    .query(({ ctx }) => listApiTokens(ctx.services.prisma, ctx.user.id)),

  /** Your own token (an admin: anyone's). Signed-in people only: a token revokes nothing. */
  revokeToken: sessionProcedure
    .input(z.object({ id: z.string().uuid() }))
    .output(z.object({ revoked: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const owned = await ownsApiToken(ctx.services.prisma, input.id, ctx.user.id);
      if (!owned && ctx.user.role !== "ADMIN")
        throw new TRPCError({ code: "NOT_FOUND", message: "No such token of yours." });
      return { revoked: await revokeApiToken(ctx.services.prisma, input.id, actorOf(ctx.user)) };
    }),
});
