import { DomainError } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import { recordAudit } from "./audit.ts";
import {
  ACTIVITY_WRITE_INTERVAL_MS,
  AUTH_USER_SELECT,
  type AuthUser,
  MAX_TOKEN_LENGTH,
} from "./auth-user.ts";
import {
  canonicalEmail,
  DUMMY_PASSWORD_HASH,
  MAX_EMAIL_LENGTH,
  MAX_PASSWORD_LENGTH,
  verifyPassword,
} from "./passwords.ts";
import { randomSecret, sha256Hex } from "./secrets.ts";
import type { SignInGuard } from "./sign-in-throttle.ts";

/** Name of the console's session cookie. */
export const SESSION_COOKIE = "qmc_session";

/** Credentials from the sign-in form. */
export interface SignInInput {
  email: string;
  password: string;
  /** The browser's User-Agent, kept so a user can recognise their sessions. */
  userAgent?: string;
}

/** A new session: `token` goes into the cookie and is not stored anywhere. */
export interface SignInResult {
  token: string;
  expiresAt: Date;
  user: AuthUser;
}

// One message for unknown email, wrong password and disabled account, so the answer does not
// tell an attacker which emails have accounts.
const INVALID_CREDENTIALS_MESSAGE =
  "The email or password is incorrect, or the account is disabled. Check both and try again; if it keeps failing, ask an admin.";

/**
 * Checks credentials and opens a session lasting `ttlMs`. Attempts are audited as `auth.sign_in`
 * (actor: the email tried, after: `{ ok }`): every success, and failures while `guard` allows
 * (a budget per window). Throws INVALID_CREDENTIALS otherwise. `guard` (the sign-in throttle) is
 * asked first, so a throttled caller costs no look-up and no argon2 verification.
 */
export async function signIn(
  prisma: PrismaClient,
  input: SignInInput,
  options: { ttlMs: number; guard?: SignInGuard },
): Promise<SignInResult> {
  const email = canonicalEmail(input.email).slice(0, MAX_EMAIL_LENGTH);
  const admission = await options.guard?.admit(email);
  // Oversized passwords are refused before argon2 so one request cannot buy much CPU; no account
  // can have one, so the answer is the same for every email. (×2: a character may be 2 UTF-16 units.)
  const plausible = input.password.length <= MAX_PASSWORD_LENGTH * 2;
  const user = plausible
    ? await prisma.user.findUnique({
        where: { email },
        select: { ...AUTH_USER_SELECT, passwordHash: true },
      })
    : null;
  // Always run one argon2 verification, against a dummy hash when the email is unknown, so the
  // response time does not reveal whether the account exists.
  const matches =
    plausible && (await verifyPassword(user?.passwordHash ?? DUMMY_PASSWORD_HASH, input.password));
  const ok = user !== null && matches && user.disabledAt === null;

  const who = { actor: email, ...(ok ? { actorUserId: user.id } : {}) };
  const audit = { action: "auth.sign_in", subjectType: "User", subjectId: user?.id ?? email, after: { ok } };
  if (!ok) {
    if ((await admission?.failed()) ?? true) await recordAudit(prisma, who, audit);
    throw new DomainError("INVALID_CREDENTIALS", INVALID_CREDENTIALS_MESSAGE, {});
  }

  const token = randomSecret(32);
  const expiresAt = new Date(Date.now() + options.ttlMs);
  await prisma.$transaction(async (tx) => {
    await tx.session.create({
      data: {
        id: sha256Hex(token),
        userId: user.id,
        expiresAt,
        userAgent: input.userAgent?.slice(0, 500) ?? null,
      },
    });
    await recordAudit(tx, who, audit);
  });
  await admission?.succeeded();
  return {
    token,
    expiresAt,
    user: {
      id: user.id,
      email: user.email,
      role: user.role,
      via: "session",
      mustChangePassword: user.mustChangePassword,
    },
  };
}

/**
 * The user behind a session cookie value, or null when the session is unknown, expired or its user
 * is disabled. Refreshes lastSeenAt at most once a minute to keep reads cheap.
 */
export async function resolveSession(prisma: PrismaClient, token: string): Promise<AuthUser | null> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
  const id = sha256Hex(token);
  const session = await prisma.session.findUnique({
    where: { id },
    select: {
      expiresAt: true,
      lastSeenAt: true,
      user: { select: AUTH_USER_SELECT },
    },
  });
  const now = new Date();
  if (!session || session.expiresAt <= now || session.user.disabledAt !== null) return null;

  const staleBefore = new Date(now.getTime() - ACTIVITY_WRITE_INTERVAL_MS);
  if (session.lastSeenAt < staleBefore) {
    // Conditional, so parallel requests of one page do not all write the same row.
    await prisma.session.updateMany({
      where: { id, lastSeenAt: { lt: staleBefore } },
      data: { lastSeenAt: now },
    });
  }
  const { user } = session;
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    via: "session",
    mustChangePassword: user.mustChangePassword,
  };
}

/** Ends the session behind a cookie value (audited as `auth.sign_out`); unknown tokens are ignored. */
export async function signOut(prisma: PrismaClient, token: string): Promise<void> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return;
  const id = sha256Hex(token);
  const session = await prisma.session.findUnique({
    where: { id },
    select: { user: { select: { id: true, email: true } } },
  });
  if (!session) return;
  const { user } = session;
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.session.deleteMany({ where: { id } });
    if (count === 0) return;
    await recordAudit(
      tx,
      { actor: user.email, actorUserId: user.id },
      { action: "auth.sign_out", subjectType: "User", subjectId: user.id },
    );
  });
}

/** The stored id of the session behind a cookie value (its sha256). */
export function sessionIdOf(token: string): string {
  return sha256Hex(token);
}

/** A session as an admin sees it: never its id (the hash of the cookie), only a short prefix. */
export interface SessionSummary {
  /** The first 8 hex characters of the stored id, to tell sessions apart. */
  idPrefix: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
}

/** A user's unexpired sessions, most recently seen first. */
export async function listSessions(prisma: PrismaClient, userId: string): Promise<SessionSummary[]> {
  const rows = await prisma.session.findMany({
    where: { userId, expiresAt: { gt: new Date() } },
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, userAgent: true },
    orderBy: { lastSeenAt: "desc" },
    take: 200,
  });
  return rows.map(({ id, ...rest }) => ({ idPrefix: id.slice(0, 8), ...rest }));
}
