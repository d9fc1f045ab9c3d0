/**
 * The audit trail merges three stores (see the engine's audit-trail.ts): AuditEvent, and the two
 * history tables whose rows are the machine transitions. An entry's id names its store — an
 * audit event's is its decimal id, a new-system transition's `t<id>`, a legacy status change's
 * `l<id>` — and a page's cursor is the last entry's time and id: `<epoch ms>.<entry id>`.
 */
export type AuditEntrySource = "audit" | "transition" | "legacy";

export const AUDIT_ENTRY_PREFIX: Record<AuditEntrySource, string> = {
  audit: "",
  transition: "t",
  legacy: "l",
};

export interface AuditPosition {
  atMs: number;
  source: AuditEntrySource;
  id: bigint;
}

const INT64_MAX = 2n ** 63n - 1n;
const CURSOR = /^(\d{1,15})\.([tl]?)([1-9]\d{0,18})$/;

export function auditEntryId(source: AuditEntrySource, id: bigint | number | string): string {
  return `${AUDIT_ENTRY_PREFIX[source]}${id}`;
}

export function formatAuditCursor(atMs: number, entryId: string): string {
  return `${atMs}.${entryId}`;
}

/** The position a cursor names, or null when it is not one the trail gives out. */
export function parseAuditCursor(cursor: string): AuditPosition | null {
  const match = CURSOR.exec(cursor);
  if (!match) return null;
  const id = BigInt(match[3] ?? "0");
  if (id > INT64_MAX) return null;
  const source = match[2] === "t" ? "transition" : match[2] === "l" ? "legacy" : "audit";
  return { atMs: Number(match[1]), source, id };
}
