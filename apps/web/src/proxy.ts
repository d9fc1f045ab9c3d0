import { type NextRequest, NextResponse } from "next/server";
import { REQUESTED_PATH_HEADER } from "~/lib/requested-path";

/**
 * A strict Content-Security-Policy for every page, with a fresh nonce per request: Next reads
 * the nonce from the request's CSP header and puts it on its own scripts (its App Router bootstrap
 * is inline), so no 'unsafe-inline' is needed for scripts. Pages render per request (a nonce
 * cannot be baked into a static page). API responses get their own policy and the other
 * security headers in next.config.ts.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = pageContentSecurityPolicy(nonce);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  // The page asked for, so a console page can send someone signed out to sign in and back here.
  requestHeaders.set(REQUESTED_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

function pageContentSecurityPolicy(nonce: string): string {
  // `next dev` evaluates code for its error overlay and injects styles for hot reloading; a
  // production build needs neither. NODE_ENV is fixed by Next at build time, not configuration.
  const dev = process.env.NODE_ENV === "development";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' ${dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    // Style attributes only (never <style> elements or scripts): the slider's thumb position and
    // the charts' sizes are server-rendered as style="…" attributes, which cannot carry a nonce.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export const config = {
  // Pages only: API routes and static assets get their headers from next.config.ts.
  matcher: [{ source: "/((?!api/|_next/static|_next/image|favicon.ico).*)" }],
};
