import { hash, verify } from "@node-rs/argon2";
import { DomainError } from "@qmc/core";
import { z } from "zod";
import {
  checkPasswordStrength,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  MIN_PASSWORD_SCORE,
} from "./password-policy.ts";

export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./password-policy.ts";

/** Longest email accepted (RFC 5321 path limit). */
export const MAX_EMAIL_LENGTH = 254;

/**
 * argon2id cost parameters (the OWASP minimum, also the library defaults), pinned here so a
 * library upgrade cannot silently change them and {@link DUMMY_PASSWORD_HASH} keeps matching.
 */
export const PASSWORD_HASH_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * A valid hash, made with {@link PASSWORD_HASH_OPTIONS}, of a password nobody uses. Sign-in verifies
 * against it when the email is unknown, so the response takes as long as for a wrong password.
 */
export const DUMMY_PASSWORD_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$iM+y34YW/9vAVUjuNW+YSQ$wMJs8yA3IzvV3U+3Fylt5ihcw66R5FE6avp9VWaLXWo";

// The HTML5 `<input type="email">` rule: unlike zod's default it accepts dotless hosts such as
// `admin@localhost`, which the bootstrap admin and on-premises installs use.
const emailSchema = z.email({ pattern: z.regexes.html5Email }).max(MAX_EMAIL_LENGTH);

/** Hashes a password with argon2id; the result embeds salt and parameters. */
export function hashPassword(plain: string): Promise<string> {
  return hash(plain, PASSWORD_HASH_OPTIONS);
}

/** True when `plain` matches `passwordHash`. A malformed hash counts as no match, never as a throw. */
export async function verifyPassword(passwordHash: string, plain: string): Promise<boolean> {
  try {
    return await verify(passwordHash, plain);
  } catch {
    return false;
  }
}

/**
 * Throws WEAK_PASSWORD, with a sentence saying why and what to do, unless `plain` passes the
 * password rule ({@link checkPasswordStrength}: 12–200 characters, not only whitespace, zxcvbn
 * score ≥ 3). `userInputs` (the account's email and name) count as words a guesser knows.
 */
export function assertStrongPassword(
  plain: string,
  userInputs: ReadonlyArray<string | null | undefined> = [],
): void {
  const verdict = checkPasswordStrength(plain, userInputs);
  if (verdict.ok) return;
  throw new DomainError("WEAK_PASSWORD", verdict.message, {
    reason: verdict.reason,
    score: verdict.score,
    minScore: MIN_PASSWORD_SCORE,
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: MAX_PASSWORD_LENGTH,
  });
}

/** Trims and lowercases an email without validating it; for look-ups of what someone typed. */
export function canonicalEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/**
 * Trims and lowercases an email (so accounts are unique regardless of case) and checks its shape.
 * Throws INVALID_EMAIL when it is not an address.
 */
export function normalizeEmail(raw: string): string {
  const email = canonicalEmail(raw);
  if (!emailSchema.safeParse(email).success) {
    throw new DomainError(
      "INVALID_EMAIL",
      `"${email.slice(0, 80)}" is not a valid email address: enter it as name@example.com.`,
      { maxLength: MAX_EMAIL_LENGTH },
    );
  }
  return email;
}
