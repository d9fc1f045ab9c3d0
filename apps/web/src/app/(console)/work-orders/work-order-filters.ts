import "~/lib/zod-jitless";
import { LEGACY_STATUSES, type LegacyStatus, legacyStatusToState, WORK_ORDER_STATES } from "@qmc/core";

export const PAGE_SIZE = 25;

/** The list's filters, as they stand in the URL (shareable; the back button restores them). */
export interface WorkOrderFilters {
  system: "NEW" | "LEGACY";
  state?: string;
  kind?: string;
  role?: "PRIMARY" | "SHADOW";
  cursor?: string;
}

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function read(params: Params, name: string): string | undefined {
  const value = params instanceof URLSearchParams ? params.get(name) : params[name];
  const one = Array.isArray(value) ? value[0] : value;
  return one && one.length > 0 && one.length <= 100 ? one : undefined;
}

const KNOWN_STATES: readonly string[] = [...WORK_ORDER_STATES, ...LEGACY_STATUSES];

export function filtersFrom(params: Params): WorkOrderFilters {
  const system = read(params, "system") === "LEGACY" ? "LEGACY" : "NEW";
  const state = read(params, "state");
  const kind = read(params, "kind");
  const role = read(params, "role");
  const cursor = read(params, "cursor");
  const stateOk =
    state &&
    KNOWN_STATES.includes(state) &&
    (system === "LEGACY" ? LEGACY_STATUSES.includes(state as LegacyStatus) : state === state.toUpperCase());
  return {
    system,
    ...(stateOk ? { state } : {}),
    ...(kind ? { kind } : {}),
    ...(system === "NEW" && (role === "PRIMARY" || role === "SHADOW") ? { role } : {}),
    ...(cursor && /^[A-Za-z0-9._:-]+$/.test(cursor) ? { cursor } : {}),
  };
}

/** The input of workOrders.find for these filters: the same on the server and in the browser. */
export function findInput(filters: WorkOrderFilters) {
  return {
    system: filters.system,
    limit: PAGE_SIZE,
    ...(filters.state ? { state: filters.state as (typeof WORK_ORDER_STATES)[number] } : {}),
    ...(filters.kind ? { kind: filters.kind } : {}),
    ...(filters.role ? { role: filters.role } : {}),
    ...(filters.cursor ? { cursor: filters.cursor } : {}),
  };
}

export function queryString(filters: Partial<WorkOrderFilters>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value && !(name === "system" && value === "NEW")) params.set(name, value);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** A legacy status with the new-system state it maps to ("running → RUNNING"). */
export function mappedState(status: string): string | null {
  return (LEGACY_STATUSES as readonly string[]).includes(status)
    ? legacyStatusToState(status as LegacyStatus)
    : null;
}

export function stateTone(state: string | null): "ok" | "warn" | "bad" | "unknown" {
  if (state === "COMPLETED") return "ok";
  if (state === "FAILED") return "bad";
  if (state === "CANCELLED" || state === null) return "unknown";
  return "warn";
}
