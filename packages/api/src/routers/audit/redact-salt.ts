import { REDACTED } from "@qmc/runtime";
import { type AuthUser, maySeeSalt } from "../../auth/index.ts";

/**
 * The routing salt decides every order's bucket and is for admins only (DESIGN.md §7). Audit
 * events carry it inside whole config versions (a config change's before/after, a retirement's):
 * for anyone else each value under a key naming a salt, at any depth, is replaced by
 * `"[redacted]"`, so the shape stays and the console can say the value is withheld.
 */
const SALT_KEY = /salt/i;

function redactSaltKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSaltKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, SALT_KEY.test(key) ? REDACTED : redactSaltKeys(inner)]),
  );
}

/**
 * An audit event as `user` may see it: admins see it whole; everyone else without salts in its
 * before/after. The submission is the caller's own work order (a payload key named "salt" there is
 * data, not the routing salt) and is left as it is.
 */
export function auditEventFor<E extends { before: unknown; after: unknown }>(user: AuthUser, event: E): E {
  if (maySeeSalt(user)) return event;
  return { ...event, before: redactSaltKeys(event.before), after: redactSaltKeys(event.after) };
}
