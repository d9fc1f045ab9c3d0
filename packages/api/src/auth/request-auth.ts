import type { PrismaClient } from "@qmc/db";
import { resolveApiToken } from "./api-tokens.ts";
import type { AuthUser } from "./auth-user.ts";
import { resolveSession, SESSION_COOKIE } from "./sessions.ts";

/** The value of `Authorization: Bearer <value>`, or null when the request carries no bearer. */
export function bearerToken(headers: Headers): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "");
  return match?.[1] ?? null;
}

/** The value of cookie `name` from the Cookie header (first one wins), or null. */
export function readCookie(headers: Headers, name: string): string | null {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * The user behind a request: an API token when it sends `Authorization: Bearer`, else the session
 * cookie. A request with a bearer is never authenticated by its cookie, even if the bearer is
 * invalid, because {@link isSameOriginMutation} exempts bearer requests from the origin check.
 */
export async function authenticateRequest(prisma: PrismaClient, headers: Headers): Promise<AuthUser | null> {
  const bearer = bearerToken(headers);
  if (bearer !== null) return resolveApiToken(prisma, bearer);
  const session = readCookie(headers, SESSION_COOKIE);
  return session ? resolveSession(prisma, session) : null;
}

function originOf(url: string): string | null {
  try {
    const { origin } = new URL(url);
    // Opaque origins ("null": file:, data:, sandboxed frames) never match anything.
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

/**
 * CSRF check for a mutation. Bearer requests pass (a browser cannot attach one cross-site, and they
 * are never cookie-authenticated). Otherwise `Origin`, or `Referer`'s origin when Origin is absent,
 * must be the request's own origin (`Host` + `x-forwarded-proto`, default http) or one of
 * `allowedOrigins`; a request with neither header is refused.
 */
export function isSameOriginMutation(headers: Headers, allowedOrigins: string[]): boolean {
  if (bearerToken(headers) !== null) return true;
  const origin = headers.get("origin");
  const referer = headers.get("referer");
  const claimed = origin !== null ? originOf(origin) : referer !== null ? originOf(referer) : null;
  if (claimed === null) return false;

  const host = headers.get("host");
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http";
  const own = host ? originOf(`${proto}://${host}`) : null;
  if (claimed === own) return true;
  return allowedOrigins.some((allowed) => originOf(allowed) === claimed);
}

/** Options for {@link sessionCookie}. */
export interface SessionCookieOptions {
  /** Add `Secure`; set it whenever the console is served over HTTPS. */
  secure: boolean;
}

/** The Set-Cookie header value that stores a session token until `expiresAt`. */
export function sessionCookie(token: string, expiresAt: Date, options: SessionCookieOptions): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return cookieHeader(`${SESSION_COOKIE}=${token}`, expiresAt, maxAge, options.secure);
}

/** The Set-Cookie header value that removes the session cookie (on sign-out). */
export function clearedSessionCookie(options: SessionCookieOptions = { secure: false }): string {
  return cookieHeader(`${SESSION_COOKIE}=`, new Date(0), 0, options.secure);
}

function cookieHeader(pair: string, expires: Date, maxAge: number, secure: boolean): string {
  // HttpOnly keeps scripts (and XSS) away from the token; Lax stops cross-site POSTs carrying it.
  const attributes = [
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Expires=${expires.toUTCString()}`,
    `Max-Age=${maxAge}`,
  ];
  if (secure) attributes.push("Secure");
  return [pair, ...attributes].join("; ");
}
