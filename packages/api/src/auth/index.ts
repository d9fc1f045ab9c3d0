// Authentication and authorisation for the control plane (DESIGN.md §7): users and roles, console
// sessions, API tokens, the first admin, and per-request checks (who is calling, is it same-origin).

export type { Access, ApiMeta } from "./access.ts";
export type { DisabledUser } from "./account-admin.ts";
export { disableUser, enableUser, revokeUserSessions, revokeUserTokens } from "./account-admin.ts";
export type { ApiTokenSummary, CreatedApiToken, NewApiToken } from "./api-tokens.ts";
export { createApiToken, listApiTokens, resolveApiToken, revokeApiToken } from "./api-tokens.ts";
export type { AuditActor } from "./audit.ts";
export { type AuthUser, maySeeSalt } from "./auth-user.ts";
export type { FirstAdminOptions, FirstAdminResult } from "./bootstrap-admin.ts";
export { DEFAULT_ADMIN_EMAIL, ensureFirstAdmin } from "./bootstrap-admin.ts";
export type { ChangePasswordInput, PasswordReset } from "./password-changes.ts";
export { changeOwnPassword, resetUserPassword } from "./password-changes.ts";
export type { PasswordVerdict } from "./password-policy.ts";
export { checkPasswordStrength, MIN_PASSWORD_SCORE } from "./password-policy.ts";
export {
  assertStrongPassword,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  normalizeEmail,
  verifyPassword,
} from "./passwords.ts";
export type { SessionCookieOptions } from "./request-auth.ts";
export {
  authenticateRequest,
  bearerToken,
  clearedSessionCookie,
  isSameOriginMutation,
  readCookie,
  sessionCookie,
} from "./request-auth.ts";
export type { Role } from "./roles.ts";
export { hasRole, ROLES } from "./roles.ts";
export type { ScopeDefinition, TokenScope } from "./scopes.ts";
export {
  PRODUCER_SCOPE,
  scopesGrantableBy,
  TOKEN_SCOPE_NAMES,
  TOKEN_SCOPES,
} from "./scopes.ts";
export type { SessionSummary, SignInInput, SignInResult } from "./sessions.ts";
export {
  listSessions,
  resolveSession,
  SESSION_COOKIE,
  sessionIdOf,
  signIn,
  signOut,
} from "./sessions.ts";
export { ownsApiToken } from "./token-ownership.ts";
export type { CreateUserInput, PublicUser } from "./users.ts";
export { createUser, listUsers, setUserRole } from "./users.ts";
