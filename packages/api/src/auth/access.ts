import { DomainError } from "@qmc/core";
import { TRPCError } from "@trpc/server";
import type { AuthUser } from "./auth-user.ts";
import { hasRole, type Role } from "./roles.ts";
import { TOKEN_SCOPES, type TokenScope } from "./scopes.ts";

/**
 * Who may call a procedure; every procedure of the root router declares one (its `meta.access`,
 * set by the procedure builders in trpc.ts; a test fails for a procedure without it).
 * - `public`: anyone, signed in or not.
 * - `session`: a signed-in person of at least `role`; never an API token (account administration,
 *   minting tokens, passwords — what a leaked token must not be able to turn into lasting access).
 * - `scope`: a signed-in person of at least the scope's role, or an API token holding `scope`
 *   whose owner still has that role.
 */
export type Access =
  | { kind: "public" }
  | { kind: "session"; role: Role; duringPasswordChange?: boolean }
  | { kind: "scope"; scope: TokenScope; duringPasswordChange?: boolean };

/** tRPC procedure metadata. */
export interface ApiMeta {
  access: Access;
}

/** The role an access needs: the session's own, or the scope's. */
export function roleOf(access: Exclude<Access, { kind: "public" }>): Role {
  return access.kind === "session" ? access.role : TOKEN_SCOPES[access.scope].minRole;
}

/**
 * Throws unless `user` may call a procedure declaring `access`, in this order: anonymous →
 * UNAUTHORIZED; a token where a session is required → SESSION_REQUIRED; a role too weak →
 * FORBIDDEN; a session whose password must be changed first → PASSWORD_CHANGE_REQUIRED; a token
 * without the scope → SCOPE_MISSING (all 403 but the first).
 */
export function assertAccess(
  user: AuthUser | null,
  access: Exclude<Access, { kind: "public" }>,
): asserts user is AuthUser {
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in, or send an API token." });
  if (access.kind === "session" && user.via !== "session") {
    throw new DomainError(
      "SESSION_REQUIRED",
      "Only a signed-in person can do this, not an API token: sign in to the console and do it there.",
      { via: user.via },
    );
  }
  const role = roleOf(access);
  if (!hasRole(user, role)) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: `This needs the ${role.toLowerCase()} role; you are ${user.role.toLowerCase()}.`,
    });
  }
  if (user.via === "session" && user.mustChangePassword && !access.duringPasswordChange) {
    throw new DomainError(
      "PASSWORD_CHANGE_REQUIRED",
      "Your password was set by an admin or generated: change it (auth.changePassword) before doing anything else.",
    );
  }
  if (access.kind === "scope" && user.via === "token" && !user.scopes?.includes(access.scope)) {
    throw new DomainError(
      "SCOPE_MISSING",
      `This API token lacks the "${access.scope}" scope this call needs (it has: ${held(user)}). ` +
        "Create a token with that scope on the console's Users page, or use one that has it.",
      { scope: access.scope, tokenScopes: user.scopes ?? [] },
    );
  }
}

function held(user: AuthUser): string {
  return user.scopes && user.scopes.length > 0 ? user.scopes.join(", ") : "none";
}
