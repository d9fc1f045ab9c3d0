import type { Role } from "./roles.ts";

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
}

/** How often at most a session's lastSeenAt or a token's lastUsedAt is written: once a minute. */
export const ACTIVITY_WRITE_INTERVAL_MS = 60_000;

/** Longest bearer value worth looking up; anything longer cannot be one of ours. */
export const MAX_TOKEN_LENGTH = 200;
