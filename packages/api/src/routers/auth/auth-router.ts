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
import { actorOf, createTRPCRouter, publicProcedure, viewerProcedure } from "../../trpc.ts";

export const ZSignInRequest = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
});

export const authRouter = createTRPCRouter({
  /** Who is calling (null when signed out): the console asks this on every page. */
  me: publicProcedure.query(({ ctx }) => ctx.user),

  signIn: publicProcedure.input(ZSignInRequest).mutation(async ({ ctx, input }) => {
    const { prisma, sessionTtlMs, secureCookies } = ctx.services;
    const session = await signIn(
      prisma,
      { ...input, ...(ctx.userAgent ? { userAgent: ctx.userAgent.slice(0, 500) } : {}) },
      { ttlMs: sessionTtlMs },
    );
    ctx.setCookie(sessionCookie(session.token, session.expiresAt, { secure: secureCookies }));
    return { user: session.user, expiresAt: session.expiresAt };
  }),

  signOut: viewerProcedure.mutation(async ({ ctx }) => {
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

  tokens: viewerProcedure.query(({ ctx }) => listApiTokens(ctx.services.prisma, ctx.user.id)),

  revokeToken: viewerProcedure.input(z.object({ id: z.string().uuid() })).mutation(async ({ ctx, input }) => {
    const owned = await ctx.services.prisma.apiToken.findFirst({
      where: { id: input.id, userId: ctx.user.id },
    });
    if (!owned && ctx.user.role !== "ADMIN")
      throw new TRPCError({ code: "NOT_FOUND", message: "No such token of yours." });
    return { revoked: await revokeApiToken(ctx.services.prisma, input.id, actorOf(ctx.user)) };
  }),
});
