import { hasRole, type Role } from "./roles.ts";

/** One thing an API token may be allowed to do. */
export interface ScopeDefinition {
  /** The weakest role that may grant it (and that the token's owner must still hold to use it). */
  minRole: Role;
  /** What it allows, in one line: shown in the console beside its checkbox. */
  allows: string;
}

/**
 * Every scope an API token can carry. A token may call a procedure only when it holds the scope
 * that procedure declares (packages/api/src/trpc.ts) and its owner still has that scope's role.
 * Scopes do not include one another: a producer's `orders:submit` token cannot even read.
 * Account administration (users.*, creating tokens, passwords) is not a scope: it needs a
 * signed-in person, so a leaked token can never mint lasting access.
 */
export const TOKEN_SCOPES = {
  read: {
    minRole: "VIEWER",
    allows: "Read everything a viewer sees: orders, rollout, health, audit log, metrics scrape.",
  },
  "orders:submit": {
    minRole: "OPERATOR",
    allows: "Submit work orders, and nothing else: the choice for a producer.",
  },
  "orders:write": {
    minRole: "OPERATOR",
    allows: "Cancel and re-submit orders (one or in bulk), run and cancel the in-flight migration.",
  },
  "rollout:write": {
    minRole: "OPERATOR",
    allows: "Change the rollout (switch, percent, shadow, rollback) and acknowledge guard decisions.",
  },
  admin: {
    minRole: "ADMIN",
    allows: "Edit health thresholds, rotate the routing salt, retire legacy. Never user accounts.",
  },
} as const satisfies Record<string, ScopeDefinition>;

export type TokenScope = keyof typeof TOKEN_SCOPES;

/** Every scope, in the catalog's order (weakest first). */
export const TOKEN_SCOPE_NAMES = Object.keys(TOKEN_SCOPES) as [TokenScope, ...TokenScope[]];

/** The scope the console suggests for a process that only submits work orders. */
export const PRODUCER_SCOPE: TokenScope = "orders:submit";

/** The scopes a person of `role` may put on a token: every scope whose role they hold. */
export function scopesGrantableBy(role: Role): TokenScope[] {
  return TOKEN_SCOPE_NAMES.filter((scope) => hasRole({ role }, TOKEN_SCOPES[scope].minRole));
}

/** Of `requested`, the scopes `role` may not grant (empty when all are allowed). */
export function scopesBeyondRole(role: Role, requested: readonly TokenScope[]): TokenScope[] {
  const grantable = new Set(scopesGrantableBy(role));
  return requested.filter((scope) => !grantable.has(scope));
}

/**
 * Scopes as stored (a text array), in catalog order without duplicates; unknown strings (a scope
 * removed in a later release) are dropped, so they never allow anything.
 */
export function normalizeScopes(stored: readonly string[]): TokenScope[] {
  const held = new Set(stored);
  return TOKEN_SCOPE_NAMES.filter((scope) => held.has(scope));
}
