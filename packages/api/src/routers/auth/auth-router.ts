import { TRPCError } from "@trpc/server";
import { z } from "zod";
import {
  clearedSessionCookie,
  createApiToken,
  listApiTokens,
  revokeApiToken,
  sessionCookie,
  signIn,
  signOut,
} from "../../auth/index.ts";
import { ZAuthUser } from "../../schemas/model-schemas.ts";
import { actorOf, createTRPCRouter, publicProcedure, viewerProcedure } from "../../trpc.ts";

const ZTokenSummary = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});

export const ZSignInRequest = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
});

export const authRouter = createTRPCRouter({
  /** Who is calling (null when signed out): the console asks this on every page. */
  me: publicProcedure.output(ZAuthUser.nullable()).query(({ ctx }) => ctx.user),

  signIn: publicProcedure
    .input(ZSignInRequest)
    .output(z.object({ user: ZAuthUser, expiresAt: z.date() }))
    .mutation(async ({ ctx, input }) => {
      const { prisma, sessionTtlMs, secureCookies } = ctx.services;
      const session = await signIn(
        prisma,
        { ...input, ...(ctx.userAgent ? { userAgent: ctx.userAgent.slice(0, 500) } : {}) },
        { ttlMs: sessionTtlMs },
      );
      ctx.setCookie(sessionCookie(session.token, session.expiresAt, { secure: secureCookies }));
      return { user: session.user, expiresAt: session.expiresAt };
    }),

  signOut: viewerProcedure.output(z.object({ signedOut: z.boolean() })).mutation(async ({ ctx }) => {
    if (ctx.user.via === "session" && ctx.sessionToken) await signOut(ctx.services.prisma, ctx.sessionToken);
    ctx.setCookie(clearedSessionCookie({ secure: ctx.services.secureCookies }));
    return { signedOut: true };
  }),

  /** API tokens act as their owner, with the owner's role. The token is shown once. */
  createToken: viewerProcedure
    .input(
      z.object({
        name: z.string().trim().min(1).max(100),
        expiresInDays: z.number().int().min(1).max(3650).optional(),
      }),
    )
    /** The plain token appears here once and is never stored. */
    .output(z.object({ id: z.string(), name: z.string(), prefix: z.string(), token: z.string() }))
    .mutation(({ ctx, input }) =>
      createApiToken(
        ctx.services.prisma,
        {
          userId: ctx.user.id,
          name: input.name,
          ...(input.expiresInDays
            ? { expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000) }
            : {}),
        },
        actorOf(ctx.user),
      ),
    ),

  tokens: viewerProcedure
    .output(z.array(ZTokenSummary))
    .query(({ ctx }) => listApiTokens(ctx.services.prisma, ctx.user.id)),

  revokeToken: viewerProcedure
    .input(z.object({ id: z.string().uuid() }))
    .output(z.object({ revoked: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const owned = await ctx.services.prisma.apiToken.findFirst({
        where: { id: input.id, userId: ctx.user.id },
      });
      if (!owned && ctx.user.role !== "ADMIN")
        throw new TRPCError({ code: "NOT_FOUND", message: "No such token of yours." });
      return { revoked: await revokeApiToken(ctx.services.prisma, input.id, actorOf(ctx.user)) };
    }),
});
