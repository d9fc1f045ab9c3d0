import type { PrismaClient } from "@qmc/db";
import { assertStrongPassword, hashPassword, normalizeEmail } from "./passwords.ts";
import { isUniqueViolation } from "./prisma-errors.ts";
import { randomSecret } from "./secrets.ts";
import { emailTaken, insertUser } from "./users.ts";

/** Email of the first admin when none is configured. */
export const DEFAULT_ADMIN_EMAIL = "admin@localhost";

/** Optional first-admin credentials, typically from the app's env schema. */
export interface FirstAdminOptions {
  email?: string;
  password?: string;
}

/** What {@link ensureFirstAdmin} did. */
export interface FirstAdminResult {
  /** True only for the call that created the admin. */
  created: boolean;
  /** The created admin, or the existing (oldest) admin when nothing was created. */
  email: string;
  /** The generated password, present only when this call created the admin and made it up. */
  generatedPassword?: string;
}

/**
 * Name of the Postgres advisory lock that serialises first-admin creation across processes: with
 * two different configured emails a unique index alone would let both create an admin.
 */
export const BOOTSTRAP_LOCK_NAME = "qmc.bootstrap_admin";

async function existingAdminEmail(db: Pick<PrismaClient, "user">): Promise<string | null> {
  const admin = await db.user.findFirst({
    where: { role: "ADMIN" },
    orderBy: { createdAt: "asc" },
    select: { email: true },
  });
  return admin?.email ?? null;
}

/**
 * Makes sure an ADMIN exists so a fresh install can be signed into. When none exists, creates one
 * from `options` or as admin@localhost with a generated password, audited as `user.bootstrap_admin`
 * by "system", and calls `announce` once. A generated password is announced only by the call that
 * created it, is never shown again and must be changed at the first sign-in (`mustChangePassword`).
 * Safe when several processes boot at once.
 * Throws INVALID_EMAIL / WEAK_PASSWORD for bad options, EMAIL_TAKEN when the configured email
 * already belongs to a non-admin (promote that user instead).
 */
export async function ensureFirstAdmin(
  prisma: PrismaClient,
  options: FirstAdminOptions,
  announce: (message: string) => void,
): Promise<FirstAdminResult> {
  // Cheap check first so a normal boot pays neither the lock nor an argon2 hash.
  const existing = await existingAdminEmail(prisma);
  if (existing !== null) return { created: false, email: existing };

  const email = normalizeEmail(options.email ?? DEFAULT_ADMIN_EMAIL);
  const generatedPassword = options.password === undefined ? randomSecret(24) : undefined;
  const password = options.password ?? generatedPassword ?? "";
  assertStrongPassword(password, [email]);
  const passwordHash = await hashPassword(password);

  let outcome: { created: true } | { created: false; email: string };
  try {
    outcome = await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${BOOTSTRAP_LOCK_NAME}))`;
      const raced = await existingAdminEmail(tx);
      if (raced !== null) return { created: false, email: raced };
      await insertUser(
        tx,
        {
          email,
          passwordHash,
          role: "ADMIN",
          name: "Administrator",
          // Printed on a terminal (and maybe in a log): only good for the first sign-in.
          mustChangePassword: generatedPassword !== undefined,
        },
        { actor: "system" },
        "user.bootstrap_admin",
      );
      return { created: true };
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    // Another process may have won between our check and insert; only a non-admin owner is an error.
    const raced = await existingAdminEmail(prisma);
    if (raced !== null) return { created: false, email: raced };
    throw emailTaken(email);
  }
  if (!outcome.created) return outcome;

  announce(
    generatedPassword === undefined
      ? `First admin created: ${email} — sign in with the configured password.`
      : `First admin created: ${email} / ${generatedPassword} — it is shown only once and must be changed at the first sign-in (auth.changePassword).`,
  );
  return generatedPassword === undefined
    ? { created: true, email }
    : { created: true, email, generatedPassword };
}
