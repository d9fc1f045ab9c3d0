import type { Role } from "@qmc/api";

/**
 * What each role may do in the console, mirroring the API's procedures (packages/api/src/routers):
 * the API still decides; this only keeps controls a person cannot use off their screen.
 */
const REQUIRED_ROLE = {
  "rollout:set": "OPERATOR",
  "rollout:rollback": "OPERATOR",
  "rollout:acknowledge": "OPERATOR",
  "workOrders:submit": "OPERATOR",
  "workOrders:cancel": "OPERATOR",
  "audit:resubmit": "OPERATOR",
  "guard:acknowledge": "OPERATOR",
  "guard:thresholds": "ADMIN",
  "migration:run": "OPERATOR",
  "migration:retire": "ADMIN",
  "users:manage": "ADMIN",
  "tokens:own": "VIEWER",
} as const satisfies Record<string, Role>;

export type Capability = keyof typeof REQUIRED_ROLE;

const RANK: Record<Role, number> = { VIEWER: 0, OPERATOR: 1, ADMIN: 2 };

export function can(role: Role | null | undefined, capability: Capability): boolean {
  return role ? RANK[role] >= RANK[REQUIRED_ROLE[capability]] : false;
}

export function roleName(role: Role): string {
  return role.toLowerCase();
}

/** Why a control is missing or disabled for this role, as a sentence. */
export function roleReason(capability: Capability): string {
  return `This needs the ${roleName(REQUIRED_ROLE[capability])} role.`;
}
