/**
 * Where the sign-in and password-change pages may send someone afterwards: a path on this console
 * only, decided the way a browser decides it (WHATWG URL parsing) rather than by looking at the
 * string. A string check is not enough: browsers drop tabs and newlines and read `\` as `/`, so
 * "/\t/evil.example" or "/\\evil.example" are "//evil.example", another origin.
 */

/** Never a real host: only a path-only `next` resolves to it. */
const PLACEHOLDER_ORIGIN = "http://console.invalid";

/** Longer than any page of the console with its filters; a longer value is not a real page. */
export const MAX_NEXT_PATH_LENGTH = 2048;

/** Pages that lead back here: sending someone "next" to them would loop. */
const LOOPING_PAGES = ["/sign-in", "/change-password"];

/** Control characters (tab, LF, CR, NUL, DEL…): browsers drop or refuse them; no real link has them. */
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * The page to return to after signing in, as an ASCII path + query + fragment on this console
 * ("/work-orders?state=FAILED#x"), safe both for `window.location.assign` and for a `Location`
 * header (non-ASCII is percent-encoded, so Node never refuses the header). Anything else —
 * another origin, `javascript:`/`data:`, a path a browser would read as another host, control
 * characters, an over-long value, the sign-in pages themselves — gives `fallback`.
 */
export function safeNextPath(value: string | null | undefined, fallback = "/overview"): string {
  if (!value?.startsWith("/") || value.length > MAX_NEXT_PATH_LENGTH) return fallback;
  if (CONTROL_CHARACTER.test(value)) return fallback;
  const path = sameOriginPath(value);
  if (path === null || path.length > MAX_NEXT_PATH_LENGTH || leadsBackToSignIn(path)) return fallback;
  return path;
}

/** The value resolved as a browser would; null unless it stays on the console's origin. */
function sameOriginPath(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER_ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil" normalises to "//evil": as a Location that is another host. Also refuse what
  // becomes such a path once decoded ("/%2F/evil", "/%09/evil"), in case anything decodes it.
  const decoded = decodedOrNull(url.pathname);
  if (path.startsWith("//") || decoded === null) return null;
  if (CONTROL_CHARACTER.test(decoded) || /^[/\\]{2}/.test(decoded)) return null;
  // The serialised form must mean the same thing when parsed again (it is what the browser gets).
  if (new URL(path, PLACEHOLDER_ORIGIN).href !== url.href) return null;
  return path;
}

function leadsBackToSignIn(path: string): boolean {
  const pathname = decodedOrNull(path.split(/[?#]/, 1)[0] ?? "") ?? path;
  return LOOPING_PAGES.some((page) => pathname === page || pathname.startsWith(`${page}/`));
}

function decodedOrNull(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
