import { DomainError } from "./errors.ts";
import type { WorkOrderState } from "./states.ts";

/** Statuses the legacy queue writes, in the order a successful order goes through them. */
export const LEGACY_STATUSES = ["queued", "building", "running", "completed", "failed"] as const;

/** A status of a legacy work order. */
export type LegacyStatus = (typeof LEGACY_STATUSES)[number];

/** Legacy statuses after which nothing happens to the order any more (legacy never retries). */
export const LEGACY_TERMINAL_STATUSES = ["completed", "failed"] as const satisfies readonly LegacyStatus[];

const STATUS_SET: ReadonlySet<string> = new Set(LEGACY_STATUSES);

/** True when `s` is a known legacy status (the legacy table stores free strings). */
export function isLegacyStatus(s: string): s is LegacyStatus {
  return STATUS_SET.has(s);
}

/**
 * Narrows a string read from the legacy table.
 * @throws DomainError UNKNOWN_LEGACY_STATUS listing the known statuses.
 */
export function parseLegacyStatus(s: string): LegacyStatus {
  if (isLegacyStatus(s)) return s;
  throw new DomainError(
    "UNKNOWN_LEGACY_STATUS",
    `Unknown legacy status ${JSON.stringify(s)}; known statuses: ${LEGACY_STATUSES.join(", ")} (lower case, exact)`,
    { status: s, knownStatuses: [...LEGACY_STATUSES] },
  );
}

// A Record keyed by every status, so the mapping is total by construction: adding a status
// without a mapping fails to compile.
const LEGACY_TO_STATE: Readonly<Record<LegacyStatus, WorkOrderState>> = {
  queued: "PENDING",
  building: "PREPARING",
  running: "RUNNING",
  completed: "COMPLETED",
  failed: "FAILED",
};

/** The new-system state equivalent to a legacy status (DESIGN §3, migration plan's mapping table). */
export function legacyStatusToState(s: LegacyStatus): WorkOrderState {
  return LEGACY_TO_STATE[s];
}

/** True for completed and failed. */
export function isLegacyTerminalStatus(s: LegacyStatus): boolean {
  return s === "completed" || s === "failed";
}

// building → failed is allowed because preparing the sandbox can fail, and an order must never
// be stuck in "building"; queued orders are only picked up, never failed without being started.
const LEGACY_NEXT: Readonly<Record<LegacyStatus, readonly LegacyStatus[]>> = {
  queued: ["building"],
  building: ["running", "failed"],
  running: ["completed", "failed"],
  completed: [],
  failed: [],
};

/**
 * Statuses the legacy processor may write next: queued → building → running → completed | failed
 * (plus building → failed). Terminal statuses have none.
 */
export function nextLegacyStatuses(s: LegacyStatus): readonly LegacyStatus[] {
  return LEGACY_NEXT[s];
}

/** True when the legacy processor may move an order from `from` to `to`. */
export function canAdvanceLegacyStatus(from: LegacyStatus, to: LegacyStatus): boolean {
  return LEGACY_NEXT[from].includes(to);
}
