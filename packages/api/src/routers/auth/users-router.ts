import { z } from "zod";
import {
  createUser,
  disableUser,
  enableUser,
  listApiTokens,
  listSessions,
  listUsers,
  MAX_PASSWORD_LENGTH,
  ROLES,
  resetUserPassword,
  revokeUserSessions,
  revokeUserTokens,
  setUserRole,
} from "../../auth/index.ts";
import { ZApiTokenSummary, ZPublicUser, ZSessionSummary } from "../../schemas/model-schemas.ts";
import { accountAdminProcedure, actorOf, createTRPCRouter, ZReason } from "../../trpc.ts";

const ZUserId = z.object({ userId: z.string().uuid() });
const ZUserChange = ZUserId.extend({ reason: ZReason });
const ZPassword = z
  .string()
  .min(1)
  .max(MAX_PASSWORD_LENGTH * 2);

/**
 * Accounts (admins only). Every change is audited with its actor, and the ones that take access
 * away with a reason. The last active admin can be neither demoted nor disabled (LAST_ADMIN).
 */
export const usersRouter = createTRPCRouter({
  list: accountAdminProcedure.output(z.array(ZPublicUser)).query(({ ctx }) => listUsers(ctx.services.prisma)),

  create: accountAdminProcedure
    .input(
      z.object({
        email: z.string().min(1).max(320),
        password: ZPassword,
        role: z.enum(ROLES),
        name: z.string().max(200).optional(),
        /** Make the person replace this password at the first sign-in. @defaultValue false */
        mustChangePassword: z.boolean().optional(),
      }),
    )
    .output(ZPublicUser)
    .mutation(({ ctx, input }) => createUser(ctx.services.prisma, input, actorOf(ctx.user))),

  setRole: accountAdminProcedure
    .input(ZUserId.extend({ role: z.enum(ROLES), reason: ZReason.optional() }))
    .output(ZPublicUser)
    .mutation(({ ctx, input }) =>
      setUserRole(ctx.services.prisma, input.userId, input.role, actorOf(ctx.user), input.reason),
    ),

  /** Disables the account and, at once, ends its sessions and revokes its API tokens. */
  disable: accountAdminProcedure
    .input(ZUserChange)
    .output(z.object({ user: ZPublicUser, endedSessions: z.number().int(), revokedTokens: z.number().int() }))
    .mutation(({ ctx, input }) =>
      disableUser(ctx.services.prisma, input.userId, input.reason, actorOf(ctx.user)),
    ),

  /** Lets a disabled account sign in again (its old sessions and tokens stay ended). */
  enable: accountAdminProcedure
    .input(ZUserChange)
    .output(ZPublicUser)
    .mutation(({ ctx, input }) =>
      enableUser(ctx.services.prisma, input.userId, input.reason, actorOf(ctx.user)),
    ),

  /**
   * Sets a new password (the one given, or a generated one returned once as `temporaryPassword`)
   * that must be changed at the next sign-in, ends the user's sessions and revokes their tokens.
   */
  resetPassword: accountAdminProcedure
    .input(ZUserChange.extend({ password: ZPassword.optional() }))
    .output(
      z.object({
        user: ZPublicUser,
        temporaryPassword: z.string().nullable(),
        endedSessions: z.number().int(),
        revokedTokens: z.number().int(),
      }),
    )
    .mutation(({ ctx, input }) => resetUserPassword(ctx.services.prisma, input, actorOf(ctx.user))),

  /** Ends every console session of the user. */
  revokeSessions: accountAdminProcedure
    .input(ZUserChange)
    .output(z.object({ endedSessions: z.number().int() }))
    .mutation(({ ctx, input }) =>
      revokeUserSessions(ctx.services.prisma, input.userId, input.reason, actorOf(ctx.user)),
    ),

  /** Revokes the user's live API tokens, or only `tokenId`. */
  revokeTokens: accountAdminProcedure
    .input(ZUserChange.extend({ tokenId: z.string().uuid().optional() }))
    .output(z.object({ revokedTokens: z.number().int() }))
    .mutation(({ ctx, input }) => revokeUserTokens(ctx.services.prisma, input, actorOf(ctx.user))),

  /** The user's unexpired console sessions. */
  sessions: accountAdminProcedure
    .input(ZUserId)
    .output(z.array(ZSessionSummary))
    .query(({ ctx, input }) => listSessions(ctx.services.prisma, input.userId)),

  /** The user's API tokens, revoked and expired ones included. */
  tokens: accountAdminProcedure
    .input(ZUserId)
    .output(z.array(ZApiTokenSummary))
    .query(({ ctx, input }) => listApiTokens(ctx.services.prisma, input.userId)),
});
