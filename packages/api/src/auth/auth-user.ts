import type { Role } from "./roles.ts";
import type { TokenScope } from "./scopes.ts";

/** The identity behind a request, as procedures see it. */
export interface AuthUser {
  id: string;
  email: string;
  /** Read from the user row on every request, so role changes apply at once. */
  role: Role;
  /** How the request proved it: a console session cookie or an API token. */
  via: "session" | "token";
  /** The API token's id when `via` is "token". */
  tokenId?: string;
  /** What the API token may do, when `via` is "token" (a session is checked by its role alone). */
  scopes?: TokenScope[];
  /**
   * The password was generated or reset by an admin and must be changed: until it is, a session
   * may only ask who it is, change the password or sign out (tokens are not affected).
   */
  mustChangePassword: boolean;
}

/** The user columns every request reads to build an {@link AuthUser}. */
export const AUTH_USER_SELECT = {
  id: true,
  email: true,
  role: true,
  disabledAt: true,
  mustChangePassword: true,
} as const;

/** How often at most a session's lastSeenAt or a token's lastUsedAt is written: once a minute. */
export const ACTIVITY_WRITE_INTERVAL_MS = 60_000;

/** Longest bearer value worth looking up; anything longer cannot be one of ours. */
export const MAX_TOKEN_LENGTH = 200;

/**
 * Whether the caller may see the routing salt, which decides every order's bucket: an admin
 * signed in, or an admin's token with the `admin` scope (an admin's `read` token, kept by a
 * scraper or a dashboard, does not carry it).
 */
export function maySeeSalt(user: AuthUser): boolean {
  if (user.role !== "ADMIN") return false;
  return user.via === "session" || (user.scopes ?? []).includes("admin");
}
