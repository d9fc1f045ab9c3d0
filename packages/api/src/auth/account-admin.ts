import type { PrismaClient } from "@qmc/db";
import { type AuditActor, type Db, recordAudit } from "./audit.ts";
import { assertAnotherActiveAdmin, lockAdminRoster } from "./last-admin.ts";
import { announcedAfter } from "./token-access-changes.ts";
import { PUBLIC_USER_SELECT, type PublicUser, userNotFound } from "./users.ts";

/** What disabling a user did: the user as it is now, and the access it took away at once. */
export interface DisabledUser {
  user: PublicUser;
  endedSessions: number;
  revokedTokens: number;
}

/** Ends every session of `userId` (all, or all but `keepSessionId`); returns how many. */
export async function deleteSessionsOf(tx: Db, userId: string, keepSessionId?: string): Promise<number> {
  const { count } = await tx.session.deleteMany({
    where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
  });
  return count;
}

/** Revokes every live API token of `userId` (or only `tokenId`); returns the revoked ids. */
export async function revokeTokensOf(tx: Db, userId: string, tokenId?: string): Promise<string[]> {
  const live = await tx.apiToken.findMany({
    where: { userId, revokedAt: null, ...(tokenId ? { id: tokenId } : {}) },
    select: { id: true },
  });
  const ids = live.map((t) => t.id);
  if (ids.length > 0) {
    await tx.apiToken.updateMany({
      where: { id: { in: ids }, revokedAt: null },
      data: { revokedAt: new Date() },
    });
  }
  return ids;
}

async function findUser(tx: Db, userId: string): Promise<PublicUser> {
  const user = await tx.user.findUnique({ where: { id: userId }, select: PUBLIC_USER_SELECT });
  if (!user) throw userNotFound(userId);
  return user;
}

/**
 * Disables an account and, in the same transaction, ends its sessions and revokes its API tokens,
 * so its cookie and tokens fail on their very next request and it cannot sign in. Audited as
 * `user.disable` with `reason`. Disabling a disabled user changes nothing.
 * Throws USER_NOT_FOUND, or LAST_ADMIN for the last active admin.
 */
export function disableUser(
  prisma: PrismaClient,
  userId: string,
  reason: string,
  who: AuditActor,
): Promise<DisabledUser> {
  return announcedAfter(
    prisma.$transaction(async (tx) => {
      await lockAdminRoster(tx);
      const current = await findUser(tx, userId);
      if (current.disabledAt !== null) return { user: current, endedSessions: 0, revokedTokens: 0 };
      if (current.role === "ADMIN") await assertAnotherActiveAdmin(tx, current, "disable");
      const user = await tx.user.update({
        where: { id: userId },
        data: { disabledAt: new Date() },
        select: PUBLIC_USER_SELECT,
      });
      const endedSessions = await deleteSessionsOf(tx, userId);
      const revokedTokenIds = await revokeTokensOf(tx, userId);
      await recordAudit(tx, who, {
        action: "user.disable",
        subjectType: "User",
        subjectId: userId,
        before: { disabledAt: null },
        after: { disabledAt: user.disabledAt?.toISOString() ?? null, endedSessions, revokedTokenIds },
        reason,
      });
      return { user, endedSessions, revokedTokens: revokedTokenIds.length };
    }),
  );
}

/**
 * Lets a disabled account sign in again, audited as `user.enable` with `reason`. Its old sessions
 * and tokens stay ended: the person signs in and creates new tokens. Throws USER_NOT_FOUND.
 */
export function enableUser(
  prisma: PrismaClient,
  userId: string,
  reason: string,
  who: AuditActor,
): Promise<PublicUser> {
  return prisma.$transaction(async (tx) => {
    const current = await findUser(tx, userId);
    if (current.disabledAt === null) return current;
    const user = await tx.user.update({
      where: { id: userId },
      data: { disabledAt: null },
      select: PUBLIC_USER_SELECT,
    });
    await recordAudit(tx, who, {
      action: "user.enable",
      subjectType: "User",
      subjectId: userId,
      before: { disabledAt: current.disabledAt?.toISOString() ?? null },
      after: { disabledAt: null },
      reason,
    });
    return user;
  });
}

/**
 * Signs a user out everywhere (every console session ends at once), audited as
 * `user.revoke_sessions` with `reason`. Throws USER_NOT_FOUND.
 */
export function revokeUserSessions(
  prisma: PrismaClient,
  userId: string,
  reason: string,
  who: AuditActor,
): Promise<{ endedSessions: number }> {
  return prisma.$transaction(async (tx) => {
    await findUser(tx, userId);
    const endedSessions = await deleteSessionsOf(tx, userId);
    await recordAudit(tx, who, {
      action: "user.revoke_sessions",
      subjectType: "User",
      subjectId: userId,
      after: { endedSessions },
      reason,
    });
    return { endedSessions };
  });
}

/**
 * Revokes a user's live API tokens, or only `tokenId` when given, audited as `user.revoke_tokens`
 * with the revoked ids and `reason`. Throws USER_NOT_FOUND.
 */
export function revokeUserTokens(
  prisma: PrismaClient,
  input: { userId: string; tokenId?: string; reason: string },
  who: AuditActor,
): Promise<{ revokedTokens: number }> {
  return announcedAfter(
    prisma.$transaction(async (tx) => {
      await findUser(tx, input.userId);
      const revokedTokenIds = await revokeTokensOf(tx, input.userId, input.tokenId);
      await recordAudit(tx, who, {
        action: "user.revoke_tokens",
        subjectType: "User",
        subjectId: input.userId,
        after: { revokedTokenIds },
        reason: input.reason,
      });
      return { revokedTokens: revokedTokenIds.length };
    }),
  );
}
