import type { PrismaClient } from "@qmc/db";

/** Which audit events a page shows: each field narrows; `from` is inclusive, `to` exclusive. */
export interface AuditEventFilter {
  subjectId?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** The last id of the previous page (events are numbered in the order they were written). */
  cursor?: string | undefined;
  limit: number;
}

/**
 * One page of the audit trail, newest first, with ids as decimal strings (a bigint does not
 * survive JSON). The trail is written by every change (config, guard, orders, runs, accounts).
 */
export async function findAuditEvents(prisma: PrismaClient, filter: AuditEventFilter) {
  const rows = await prisma.auditEvent.findMany({
    where: {
      ...(filter.subjectId ? { subjectId: filter.subjectId } : {}),
      ...(filter.actor ? { actor: filter.actor } : {}),
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.from || filter.to
        ? { at: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } }
        : {}),
      ...(filter.cursor ? { id: { lt: BigInt(filter.cursor) } } : {}),
    },
    orderBy: { id: "desc" },
    take: filter.limit + 1,
  });
  const items = rows.slice(0, filter.limit).map((r) => ({ ...r, id: String(r.id) }));
  return { items, nextCursor: rows.length > filter.limit ? (items.at(-1)?.id ?? null) : null };
}
