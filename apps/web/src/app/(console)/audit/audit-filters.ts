import "~/lib/zod-jitless";
import { parseAuditCursor } from "@qmc/core";

export const AUDIT_PAGE_SIZE = 50;

/** The audit log's filters as they stand in the URL; times are UTC minutes ("2026-11-29T14:05"). */
export interface AuditFilters {
  subjectId?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  cursor?: string;
}

export const AUDIT_FILTER_NAMES = ["subjectId", "actor", "action", "from", "to"] as const;

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

const MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const LIMITS = { subjectId: 100, actor: 320, action: 100 } as const;

function read(params: Params, name: string): string | undefined {
  const value = params instanceof URLSearchParams ? params.get(name) : params[name];
  const one = Array.isArray(value) ? value[0] : value;
  const trimmed = one?.trim();
  return trimmed ? trimmed : undefined;
}

export function auditFiltersFrom(params: Params): AuditFilters {
  const filters: AuditFilters = {};
  for (const name of ["subjectId", "actor", "action"] as const) {
    const value = read(params, name);
    if (value && value.length <= LIMITS[name]) filters[name] = value;
  }
  for (const name of ["from", "to"] as const) {
    const value = read(params, name);
    if (value && MINUTE.test(value) && !Number.isNaN(utcMinute(value).getTime())) filters[name] = value;
  }
  const cursor = read(params, "cursor");
  if (cursor && parseAuditCursor(cursor)) filters.cursor = cursor;
  return filters;
}

export function utcMinute(value: string): Date {
  return new Date(`${value}:00.000Z`);
}

/** The part of the filter audit.find and the bulk resubmission share. */
function common(filters: AuditFilters) {
  return {
    ...(filters.subjectId ? { subjectId: filters.subjectId } : {}),
    ...(filters.actor ? { actor: filters.actor } : {}),
    ...(filters.from ? { from: utcMinute(filters.from) } : {}),
    ...(filters.to ? { to: utcMinute(filters.to) } : {}),
  };
}

/** The input of audit.find: the same on the server and in the browser (one cache entry). */
export function auditFindInput(filters: AuditFilters) {
  return {
    ...common(filters),
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.cursor ? { cursor: filters.cursor } : {}),
    limit: AUDIT_PAGE_SIZE,
  };
}

/** The filter of a bulk resubmission (submissions only, so the action filter does not apply). */
export function resubmitFilter(filters: AuditFilters) {
  return common(filters);
}

export function auditQueryString(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The order an entry names, when it names one. */
export function orderIdOf(entry: { action: string; subjectType: string; subjectId: string }): string | null {
  const isOrder =
    entry.subjectType === "WorkOrder" ||
    entry.subjectType === "LegacyWorkOrder" ||
    entry.action.startsWith("work_order.") ||
    entry.action.startsWith("legacy_work_order.");
  return isOrder ? entry.subjectId : null;
}

/** An entry can be resubmitted when it holds a submission (a work_order.submit event). */
export function isResubmittable(entry: { submission: unknown }): boolean {
  const submission = entry.submission as { kind?: unknown } | null | undefined;
  return typeof submission?.kind === "string";
}

/** The original order of a work_order.resubmit entry. */
export function resubmittedFrom(entry: { action: string; before: unknown }): string | null {
  if (entry.action !== "work_order.resubmit") return null;
  const from = (entry.before as { from?: unknown } | null)?.from;
  return typeof from === "string" ? from : null;
}
