import { Prisma } from "@qmc/db";
import { z } from "zod";

/** Which submissions of the audit trail to re-submit. */
export interface ResubmitFilter {
  actor?: string;
  kind?: string;
  subjectId?: string;
  from?: Date;
  to?: Date;
}

/**
 * The submissions a filter selects up to (and including) event `upToId`, after `afterId`, oldest
 * first. `copies` picks the primary orders' submissions (what is re-submitted) or the shadow
 * copies' (what is left out: a shadow re-run as a real order would act on the world twice and
 * its result would count as an order's; a shadow is never re-submitted).
 */
export function submissionsWhere(
  filter: ResubmitFilter,
  upToId: bigint,
  copies: "primary" | "shadow",
  afterId?: bigint,
): Prisma.AuditEventWhereInput {
  // The submit path writes `after.role` on every submit event; a shadow's is "SHADOW". An event
  // without a role is a primary's: `NOT` alone would drop it (SQL's NULL), hence the OR.
  const shadow = { after: { path: ["role"], equals: "SHADOW" } } satisfies Prisma.AuditEventWhereInput;
  const primary = {
    OR: [{ NOT: shadow }, { after: { path: ["role"], equals: Prisma.AnyNull } }],
  } satisfies Prisma.AuditEventWhereInput;
  return {
    // Submit events always carry the full submission.
    action: "work_order.submit",
    id: { lte: upToId, ...(afterId === undefined ? {} : { gt: afterId }) },
    ...(copies === "shadow" ? shadow : primary),
    ...(filter.actor ? { actor: filter.actor } : {}),
    ...(filter.subjectId ? { subjectId: filter.subjectId } : {}),
    ...(filter.kind ? { submission: { path: ["kind"], equals: filter.kind } } : {}),
    ...(filter.from || filter.to
      ? { at: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } }
      : {}),
  };
}

/** A bulk run's selection as stored in `BackgroundRun.filter`, so a resumed run takes the same events. */
export const StoredBulkFilterSchema = z.object({
  actor: z.string().optional(),
  kind: z.string().optional(),
  subjectId: z.string().optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  upToId: z.string().regex(/^\d+$/),
  batchSize: z.number().int().min(1).max(1000).default(100),
  /** The operator's user id, linked to every re-submitted order's audit event. */
  actorUserId: z.string().optional(),
});

export type StoredBulkFilter = z.infer<typeof StoredBulkFilterSchema>;

export function storeBulkFilter(
  filter: ResubmitFilter,
  upToId: bigint,
  batchSize: number,
  actorUserId?: string,
): StoredBulkFilter {
  return {
    ...(filter.actor ? { actor: filter.actor } : {}),
    ...(filter.kind ? { kind: filter.kind } : {}),
    ...(filter.subjectId ? { subjectId: filter.subjectId } : {}),
    ...(filter.from ? { from: filter.from.toISOString() } : {}),
    ...(filter.to ? { to: filter.to.toISOString() } : {}),
    upToId: String(upToId),
    batchSize,
    ...(actorUserId ? { actorUserId } : {}),
  };
}

export function readBulkFilter(stored: unknown): {
  filter: ResubmitFilter;
  upToId: bigint;
  batchSize: number;
  actorUserId?: string;
} {
  const s = StoredBulkFilterSchema.parse(stored);
  return {
    filter: {
      ...(s.actor ? { actor: s.actor } : {}),
      ...(s.kind ? { kind: s.kind } : {}),
      ...(s.subjectId ? { subjectId: s.subjectId } : {}),
      ...(s.from ? { from: new Date(s.from) } : {}),
      ...(s.to ? { to: new Date(s.to) } : {}),
    },
    upToId: BigInt(s.upToId),
    batchSize: s.batchSize,
    ...(s.actorUserId ? { actorUserId: s.actorUserId } : {}),
  };
}
