import { isIP } from "node:net";

/**
 * The caller's address, for per-address sign-in throttling, from `X-Forwarded-For`: a Next route
 * handler sees no socket. Next's server fills that header with the socket's address only when the
 * request has none, and keeps a header the client sent. So:
 *
 * - `trustedProxyHops` = N ≥ 1 (N reverse proxies in front, each appending the address it was
 *   reached from): the N-th entry from the right is the client as the outermost proxy saw it;
 *   entries to its left are the client's own claims and are ignored.
 * - 0 (clients connect straight to Next): the last entry — the socket's address, unless the
 *   client sent the header itself, and then whatever it claims. Per-address limits bind only
 *   honest clients there; per-account limits bind everyone.
 *
 * IPv6 addresses count by their /64 (one host usually holds a whole /64). Null when there is
 * nothing usable (all such callers share one budget).
 */
export function clientAddress(headers: Headers, trustedProxyHops: number): string | null {
  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const entry = entries[Math.max(0, entries.length - Math.max(1, trustedProxyHops))];
  return entry === undefined ? null : addressKey(entry);
}

/** An IP address without port or brackets, IPv4-mapped IPv6 as IPv4, IPv6 as its /64. */
export function addressKey(entry: string): string | null {
  let address = entry.toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed?.[1]) address = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(":"));
  address = address.replace(/%.*$/, ""); // zone index
  if (address.startsWith("::ffff:") && isIP(address.slice(7)) === 4) address = address.slice(7);
  const version = isIP(address);
  if (version === 4) return address;
  if (version === 6) return `${ipv6Groups(address).slice(0, 4).join(":")}::/64`;
  return null;
}

/** The eight 16-bit groups of a valid IPv6 address, in hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  let text = address;
  // An embedded IPv4 tail (::1.2.3.4) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const middle = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...middle, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}
