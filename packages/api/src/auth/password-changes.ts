import { DomainError } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import { deleteSessionsOf, revokeTokensOf } from "./account-admin.ts";
import { type AuditActor, recordAudit } from "./audit.ts";
import { assertStrongPassword, hashPassword, verifyPassword } from "./passwords.ts";
import { randomSecret } from "./secrets.ts";
import type { SignInGuard } from "./sign-in-throttle.ts";
import { announcedAfter } from "./token-access-changes.ts";
import { PUBLIC_USER_SELECT, type PublicUser, userNotFound } from "./users.ts";

/** The outcome of an admin's password reset. */
export interface PasswordReset {
  user: PublicUser;
  /** The generated password, shown to the admin once; null when the admin chose the password. */
  temporaryPassword: string | null;
  endedSessions: number;
  revokedTokens: number;
}

/**
 * Sets a new password for `userId` — the one given, or a generated one — and marks it to be changed
 * at the next sign-in; ends every session and revokes every API token of that user in the same
 * transaction (a reset means the account may be in the wrong hands: nothing made before survives).
 * Audited as `user.reset_password` with `reason`, never with the password.
 * Throws USER_NOT_FOUND, or WEAK_PASSWORD for a given password that breaks the rule.
 */
export async function resetUserPassword(
  prisma: PrismaClient,
  input: { userId: string; password?: string; reason: string },
  who: AuditActor,
): Promise<PasswordReset> {
  const target = await prisma.user.findUnique({
    where: { id: input.userId },
    select: { email: true, name: true },
  });
  if (!target) throw userNotFound(input.userId);
  const temporaryPassword = input.password === undefined ? randomSecret(18) : null;
  const password = input.password ?? temporaryPassword ?? "";
  assertStrongPassword(password, [target.email, target.name]);
  const passwordHash = await hashPassword(password);
  return announcedAfter(
    prisma.$transaction(async (tx) => {
      const { count } = await tx.user.updateMany({
        where: { id: input.userId },
        data: { passwordHash, mustChangePassword: true },
      });
      if (count === 0) throw userNotFound(input.userId);
      const endedSessions = await deleteSessionsOf(tx, input.userId);
      const revokedTokenIds = await revokeTokensOf(tx, input.userId);
      await recordAudit(tx, who, {
        action: "user.reset_password",
        subjectType: "User",
        subjectId: input.userId,
        after: {
          generated: temporaryPassword !== null,
          mustChangePassword: true,
          endedSessions,
          revokedTokenIds,
        },
        reason: input.reason,
      });
      const user = await tx.user.findUniqueOrThrow({
        where: { id: input.userId },
        select: PUBLIC_USER_SELECT,
      });
      return { user, temporaryPassword, endedSessions, revokedTokens: revokedTokenIds.length };
    }),
  );
}

/** A signed-in person changing their own password. */
export interface ChangePasswordInput {
  userId: string;
  currentPassword: string;
  newPassword: string;
  /** The session making the change (sha256 of its cookie); it stays open, every other one ends. */
  keepSessionId?: string;
}

/**
 * Changes a user's own password after checking the current one, clears the must-change mark and
 * ends the user's other sessions. Audited as `user.change_password`.
 * `guard` (the sign-in throttle) is asked before the current password is verified, so a stolen
 * session cannot guess the password faster than sign-in could: a wrong current password counts as
 * a failed sign-in of the account (audited as `user.change_password_failed` while the budget
 * lasts), a right one clears the count.
 * Throws RATE_LIMITED while the account or address is blocked, INVALID_CREDENTIALS when the
 * current password is wrong, WEAK_PASSWORD when the new one breaks the rule or equals the current one.
 */
export async function changeOwnPassword(
  prisma: PrismaClient,
  input: ChangePasswordInput,
  options: { guard?: SignInGuard } = {},
): Promise<{ endedSessions: number }> {
  const user = await prisma.user.findUnique({
    where: { id: input.userId },
    select: { id: true, email: true, name: true, passwordHash: true },
  });
  if (!user) throw userNotFound(input.userId);
  const admission = await options.guard?.admit(user.email);
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    if ((await admission?.failed()) ?? true) {
      await recordAudit(
        prisma,
        { actor: user.email, actorUserId: user.id },
        {
          action: "user.change_password_failed",
          subjectType: "User",
          subjectId: user.id,
          after: { ok: false },
        },
      );
    }
    throw new DomainError(
      "INVALID_CREDENTIALS",
      "The current password is incorrect: type the password you signed in with.",
      {},
    );
  }
  // The person knows the password: like a successful sign-in, this clears the account's failures.
  await admission?.succeeded();
  if (input.newPassword === input.currentPassword) {
    throw new DomainError(
      "WEAK_PASSWORD",
      "The new password is the current one: choose a different password.",
      { reason: "unchanged" },
    );
  }
  assertStrongPassword(input.newPassword, [user.email, user.name]);
  const passwordHash = await hashPassword(input.newPassword);
  return prisma.$transaction(async (tx) => {
    // Guarded by the hash just verified: of two concurrent changes only the first lands.
    const { count } = await tx.user.updateMany({
      where: { id: user.id, passwordHash: user.passwordHash },
      data: { passwordHash, mustChangePassword: false },
    });
    if (count === 0) {
      throw new DomainError(
        "INVALID_CREDENTIALS",
        "The password was changed meanwhile: sign in again with the new password.",
        {},
      );
    }
    const endedSessions = await deleteSessionsOf(tx, user.id, input.keepSessionId);
    await recordAudit(
      tx,
      { actor: user.email, actorUserId: user.id },
      {
        action: "user.change_password",
        subjectType: "User",
        subjectId: user.id,
        after: { mustChangePassword: false, endedSessions },
      },
    );
    return { endedSessions };
  });
}
