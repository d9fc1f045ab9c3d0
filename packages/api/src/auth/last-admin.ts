import { DomainError } from "@qmc/core";
import type { Db } from "./audit.ts";

/**
 * Name of the Postgres advisory lock held by every change that can lower the number of active
 * admins (demoting, disabling). Two admins demoting each other at the same time then run one
 * after the other, and the second sees the first's change: at least one admin always remains.
 */
export const ADMIN_ROSTER_LOCK_NAME = "qmc.admin_roster";

/**
 * Takes the admin-roster lock for the rest of the caller's transaction. Call it before reading the
 * user being changed, so the read and {@link assertAnotherActiveAdmin} see every earlier change.
 */
export async function lockAdminRoster(tx: Db): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${ADMIN_ROSTER_LOCK_NAME}))`;
}

/**
 * Throws LAST_ADMIN unless an active (not disabled) admin other than `userId` exists. Needs
 * {@link lockAdminRoster} taken in the same transaction.
 */
export async function assertAnotherActiveAdmin(
  tx: Db,
  target: { id: string; email: string },
  change: "demote" | "disable",
): Promise<void> {
  const others = await tx.user.count({
    where: { role: "ADMIN", disabledAt: null, id: { not: target.id } },
  });
  if (others > 0) return;
  throw new DomainError(
    "LAST_ADMIN",
    `${target.email} is the last active admin and cannot be ${change === "demote" ? "demoted" : "disabled"}: make another user an admin first.`,
    { userId: target.id, change },
  );
}
