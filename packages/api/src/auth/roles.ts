/** Every role, weakest first: each role can do everything the roles before it can (DESIGN.md §7). */
export const ROLES = ["VIEWER", "OPERATOR", "ADMIN"] as const;

/** A user's role. Same values as the Prisma `Role` enum, so rows can be used without mapping. */
export type Role = (typeof ROLES)[number];

/**
 * True when `user` holds `required` or a stronger role.
 *
 * @example hasRole({ role: "ADMIN" }, "OPERATOR") // true
 */
export function hasRole(user: { role: Role }, required: Role): boolean {
  return ROLES.indexOf(user.role) >= ROLES.indexOf(required);
}
