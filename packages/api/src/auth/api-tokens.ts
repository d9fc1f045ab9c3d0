import { randomBytes } from "node:crypto";
import { DomainError } from "@qmc/core";
import type { ApiToken, PrismaClient } from "@qmc/db";
import { type AuditActor, recordAudit } from "./audit.ts";
import {
  ACTIVITY_WRITE_INTERVAL_MS,
  AUTH_USER_SELECT,
  type AuthUser,
  MAX_TOKEN_LENGTH,
} from "./auth-user.ts";
import type { Role } from "./roles.ts";
import { normalizeScopes, scopesBeyondRole, TOKEN_SCOPES, type TokenScope } from "./scopes.ts";
import { randomSecret, sha256Hex } from "./secrets.ts";
import { announcedAfter } from "./token-access-changes.ts";

/** Every API token starts with this, so leaked tokens are easy to recognise and scan for. */
export const API_TOKEN_PREFIX = "qmc_";

/** A token as listed to its owner or an admin: no hash, only the public prefix. */
export type ApiTokenSummary = Omit<ApiToken, "tokenHash" | "userId">;

/** What a new token is: its owner, a name, what it may do, and optionally when it expires. */
export interface NewApiToken {
  userId: string;
  name: string;
  /** At least one; none beyond what the owner's role may grant (SCOPE_NOT_ALLOWED). */
  scopes: readonly TokenScope[];
  expiresAt?: Date;
}

/** A freshly created token. `token` is shown once and cannot be recovered later. */
export interface CreatedApiToken {
  id: string;
  name: string;
  /** `qmc_` and 8 public characters, stored so the token can be recognised in lists. */
  prefix: string;
  token: string;
  /** When it stops working; null for a token that lasts until revoked. */
  expiresAt: Date | null;
  scopes: TokenScope[];
}

const SUMMARY_SELECT = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
} as const;

/**
 * Creates an API token for `userId`: `qmc_<8 hex>_<32-byte base64url secret>`. Only the sha256 of
 * the whole token and its prefix are stored. Audited as `api_token.create` with its scopes.
 * Throws USER_NOT_FOUND when the user does not exist, SCOPE_NOT_ALLOWED when a scope is beyond
 * the user's role or none is given.
 */
export async function createApiToken(
  prisma: PrismaClient,
  input: NewApiToken,
  who: AuditActor,
): Promise<CreatedApiToken> {
  const scopes = normalizeScopes(input.scopes);
  if (scopes.length === 0) {
    throw new DomainError(
      "SCOPE_NOT_ALLOWED",
      "A token needs at least one scope: pick what it may do (orders:submit for a producer, read for a dashboard).",
      { scopes: [] },
    );
  }
  // Hex keeps the public part free of "_" and "-", so the prefix reads unambiguously.
  const prefix = `${API_TOKEN_PREFIX}${randomBytes(4).toString("hex")}`;
  const token = `${prefix}_${randomSecret(32)}`;
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: input.userId }, select: { id: true, role: true } });
    if (!user) {
      throw new DomainError(
        "USER_NOT_FOUND",
        `No user has id ${input.userId}: reload the user list and pick an existing user.`,
        { userId: input.userId },
      );
    }
    assertScopesWithinRole(user.role, scopes);
    const created = await tx.apiToken.create({
      data: {
        userId: user.id,
        name: input.name.trim(),
        tokenHash: sha256Hex(token),
        prefix,
        scopes,
        expiresAt: input.expiresAt ?? null,
      },
      select: { id: true, name: true, expiresAt: true },
    });
    await recordAudit(tx, who, {
      action: "api_token.create",
      subjectType: "ApiToken",
      subjectId: created.id,
      after: {
        userId: user.id,
        name: created.name,
        prefix,
        scopes,
        expiresAt: created.expiresAt?.toISOString() ?? null,
      },
    });
    return { id: created.id, name: created.name, prefix, token, expiresAt: created.expiresAt, scopes };
  });
}

function assertScopesWithinRole(role: Role, scopes: readonly TokenScope[]): void {
  const beyond = scopesBeyondRole(role, scopes);
  if (beyond.length === 0) return;
  const needed = beyond
    .map((scope) => `${scope} (needs ${TOKEN_SCOPES[scope].minRole.toLowerCase()})`)
    .join(", ");
  throw new DomainError(
    "SCOPE_NOT_ALLOWED",
    `${role === "VIEWER" ? "A" : "An"} ${role.toLowerCase()} cannot grant ${needed}: a token never does more than its creator's role. Leave ${beyond.length === 1 ? "it" : "them"} out, or ask an admin for that role.`,
    { scopes: beyond, role },
  );
}

/**
 * The user behind a bearer token, or null when the token is unknown, revoked, expired or its user
 * is disabled. Refreshes lastUsedAt at most once a minute.
 */
export async function resolveApiToken(prisma: PrismaClient, token: string): Promise<AuthUser | null> {
  return (await lookupApiToken(prisma, token))?.user ?? null;
}

/** {@link resolveApiToken}, with when the token expires (null: when revoked), for caches. */
export async function lookupApiToken(
  prisma: PrismaClient,
  token: string,
): Promise<{ user: AuthUser; expiresAt: Date | null } | null> {
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length > MAX_TOKEN_LENGTH) return null;
  const row = await prisma.apiToken.findUnique({
    where: { tokenHash: sha256Hex(token) },
    select: {
      id: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      scopes: true,
      user: { select: AUTH_USER_SELECT },
    },
  });
  const now = new Date();
  if (!row || row.revokedAt !== null || row.user.disabledAt !== null) return null;
  if (row.expiresAt !== null && row.expiresAt <= now) return null;

  const staleBefore = new Date(now.getTime() - ACTIVITY_WRITE_INTERVAL_MS);
  if (row.lastUsedAt === null || row.lastUsedAt < staleBefore) {
    // Conditional, so a client firing many requests at once does not write the row each time.
    await prisma.apiToken.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] },
      data: { lastUsedAt: now },
    });
  }
  const { user } = row;
  return {
    user: {
      id: user.id,
      email: user.email,
      role: user.role,
      via: "token",
      tokenId: row.id,
      scopes: normalizeScopes(row.scopes),
      mustChangePassword: user.mustChangePassword,
    },
    expiresAt: row.expiresAt,
  };
}

/**
 * Revokes a token at once; audited as `api_token.revoke`. Returns false, writing nothing, when the
 * token does not exist or was already revoked. Whether `who` may revoke it is the caller's check.
 */
export async function revokeApiToken(prisma: PrismaClient, id: string, who: AuditActor): Promise<boolean> {
  const transaction = prisma.$transaction(async (tx) => {
    const revokedAt = new Date();
    const { count } = await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt } });
    if (count === 0) return false;
    await recordAudit(tx, who, {
      action: "api_token.revoke",
      subjectType: "ApiToken",
      subjectId: id,
      after: { revokedAt: revokedAt.toISOString() },
    });
    return true;
  });
  return announcedAfter(transaction);
}

/** A user's tokens, newest first, without hashes. */
export function listApiTokens(prisma: PrismaClient, userId: string): Promise<ApiTokenSummary[]> {
  return prisma.apiToken.findMany({
    where: { userId },
    select: SUMMARY_SELECT,
    orderBy: { createdAt: "desc" },
  });
}
