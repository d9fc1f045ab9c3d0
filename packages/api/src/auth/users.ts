import { DomainError } from "@qmc/core";
import type { PrismaClient, User } from "@qmc/db";
import { type AuditActor, type Db, recordAudit } from "./audit.ts";
import { assertAnotherActiveAdmin, lockAdminRoster } from "./last-admin.ts";
import { assertStrongPassword, hashPassword, normalizeEmail } from "./passwords.ts";
import { isUniqueViolation } from "./prisma-errors.ts";
import type { Role } from "./roles.ts";
import { announcedAfter } from "./token-access-changes.ts";

/** A user as the API may show it: everything but the password hash. */
export type PublicUser = Omit<User, "passwordHash">;

/** What an admin provides to create an account. */
export interface CreateUserInput {
  email: string;
  password: string;
  role: Role;
  name?: string;
  /** Make the person change this password at the first sign-in (the admin chose it for them). */
  mustChangePassword?: boolean;
}

/** The columns of {@link PublicUser}; selecting them means the hash never leaves the database. */
export const PUBLIC_USER_SELECT = {
  id: true,
  email: true,
  name: true,
  role: true,
  createdAt: true,
  disabledAt: true,
  mustChangePassword: true,
} as const;

/**
 * Inserts a user whose email and password hash are already checked, and audits it under `action`,
 * in the caller's transaction. A duplicate email surfaces as Prisma's unique violation.
 */
export async function insertUser(
  tx: Db,
  data: {
    email: string;
    passwordHash: string;
    role: Role;
    name: string | null;
    mustChangePassword?: boolean;
  },
  who: AuditActor,
  action: string,
): Promise<PublicUser> {
  const user = await tx.user.create({ data, select: PUBLIC_USER_SELECT });
  await recordAudit(tx, who, {
    action,
    subjectType: "User",
    subjectId: user.id,
    after: {
      email: user.email,
      role: user.role,
      name: user.name,
      mustChangePassword: user.mustChangePassword,
    },
  });
  return user;
}

/** The EMAIL_TAKEN error for `email`. */
export function emailTaken(email: string): DomainError {
  return new DomainError(
    "EMAIL_TAKEN",
    `An account for ${email} already exists: use that account or choose another email address.`,
    { email },
  );
}

/** The USER_NOT_FOUND error for `userId`. */
export function userNotFound(userId: string): DomainError {
  return new DomainError(
    "USER_NOT_FOUND",
    `No user has id ${userId}: reload the user list and pick an existing user.`,
    { userId },
  );
}

/**
 * Creates an account (email normalised, password checked against the rule with the email and
 * name as known words, then hashed) and audits it as `user.create`.
 * Throws INVALID_EMAIL, WEAK_PASSWORD or EMAIL_TAKEN.
 */
export async function createUser(
  prisma: PrismaClient,
  input: CreateUserInput,
  who: AuditActor,
): Promise<PublicUser> {
  const email = normalizeEmail(input.email);
  const name = input.name?.trim() || null;
  assertStrongPassword(input.password, [email, name]);
  const passwordHash = await hashPassword(input.password);
  try {
    // The unique index decides, not a prior look-up: two admins creating the same email at once
    // must not both succeed.
    return await prisma.$transaction((tx) =>
      insertUser(
        tx,
        {
          email,
          passwordHash,
          role: input.role,
          name,
          mustChangePassword: input.mustChangePassword ?? false,
        },
        who,
        "user.create",
      ),
    );
  } catch (e) {
    if (isUniqueViolation(e)) throw emailTaken(email);
    throw e;
  }
}

/** Every account, by email, without password hashes. */
export function listUsers(prisma: PrismaClient): Promise<PublicUser[]> {
  return prisma.user.findMany({ select: PUBLIC_USER_SELECT, orderBy: { email: "asc" } });
}

/**
 * Gives a user another role, audited as `user.role` with the old and new role (and `reason`). The
 * change applies to the user's next request, since sessions and tokens read the role from the user
 * row. Throws USER_NOT_FOUND, or LAST_ADMIN when it would demote the last active admin (checked
 * under the admin-roster lock, so two admins demoting each other cannot both succeed).
 */
export async function setUserRole(
  prisma: PrismaClient,
  userId: string,
  role: Role,
  who: AuditActor,
  reason?: string,
): Promise<PublicUser> {
  return announcedAfter(
    prisma.$transaction(async (tx) => {
      await lockAdminRoster(tx);
      const current = await tx.user.findUnique({ where: { id: userId }, select: PUBLIC_USER_SELECT });
      if (!current) throw userNotFound(userId);
      if (current.role === role) return current;
      if (current.role === "ADMIN" && current.disabledAt === null) {
        await assertAnotherActiveAdmin(tx, current, "demote");
      }
      const updated = await tx.user.update({
        where: { id: userId },
        data: { role },
        select: PUBLIC_USER_SELECT,
      });
      await recordAudit(tx, who, {
        action: "user.role",
        subjectType: "User",
        subjectId: userId,
        before: { role: current.role },
        after: { role },
        ...(reason ? { reason } : {}),
      });
      return updated;
    }),
  );
}
