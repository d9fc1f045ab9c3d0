import { assertReason, DomainError } from "@qmc/core";
import type { MigrationRun, Prisma, PrismaClient } from "@qmc/db";
import type { QueueManager } from "../routing/queue-manager.ts";
import { resubmitFromAudit } from "./resubmit.ts";

/** Which submissions of the audit trail to re-submit. */
export interface ResubmitFilter {
  actor?: string;
  kind?: string;
  subjectId?: string;
  from?: Date;
  to?: Date;
}

export interface BulkResubmitPlan {
  count: number;
  /** The newest event the plan covers: the run takes exactly these, not later ones. */
  upToId: bigint;
  sampleSubjectIds: string[];
}

function where(filter: ResubmitFilter, upToId: bigint, afterId?: bigint): Prisma.AuditEventWhereInput {
  return {
    // Submit events always carry the full submission.
    action: "work_order.submit",
    id: { lte: upToId, ...(afterId === undefined ? {} : { gt: afterId }) },
    ...(filter.actor ? { actor: filter.actor } : {}),
    ...(filter.subjectId ? { subjectId: filter.subjectId } : {}),
    ...(filter.kind ? { submission: { path: ["kind"], equals: filter.kind } } : {}),
    ...(filter.from || filter.to
      ? { at: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } }
      : {}),
  };
}

/** The dry run: how many submissions the filter selects now, and up to which event. */
export async function planBulkResubmit(
  prisma: PrismaClient,
  filter: ResubmitFilter,
): Promise<BulkResubmitPlan> {
  const newest = await prisma.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  const upToId = newest?.id ?? 0n;
  const [count, sample] = await Promise.all([
    prisma.auditEvent.count({ where: where(filter, upToId) }),
    prisma.auditEvent.findMany({
      where: where(filter, upToId),
      orderBy: { id: "asc" },
      take: 20,
      select: { subjectId: true },
    }),
  ]);
  return { count, upToId, sampleSubjectIds: sample.map((s) => s.subjectId) };
}

export interface BulkResubmitDeps {
  prisma: PrismaClient;
  queueManager: QueueManager;
}

/**
 * Re-submits every submission a plan selected, in batches, recording progress on a
 * MigrationRun (type BULK_RESUBMIT). Each order uses the key `bulk:<run>:<event>`, so a resumed
 * run never makes a second order for an event it already handled.
 */
export async function startBulkResubmit(
  deps: BulkResubmitDeps,
  input: {
    filter: ResubmitFilter;
    upToId: bigint;
    reason: string;
    actor: string;
    actorUserId?: string;
    batchSize?: number;
  },
): Promise<MigrationRun> {
  assertReason(input.reason);
  const total = await deps.prisma.auditEvent.count({ where: where(input.filter, input.upToId) });
  const run = await deps.prisma.migrationRun.create({
    data: {
      type: "BULK_RESUBMIT",
      status: "RUNNING",
      dryRun: false,
      filter: { ...serializeFilter(input.filter), upToId: String(input.upToId) },
      plan: { count: total },
      total,
      actor: input.actor,
      reason: input.reason.trim(),
      startedAt: new Date(),
    },
  });
  return continueBulkResubmit(deps, run.id, input.actorUserId, input.batchSize);
}

export async function continueBulkResubmit(
  deps: BulkResubmitDeps,
  runId: string,
  actorUserId?: string,
  batchSize = 100,
): Promise<MigrationRun> {
  const run = await deps.prisma.migrationRun.findUnique({ where: { id: runId } });
  if (run?.type !== "BULK_RESUBMIT") {
    throw new DomainError("MIGRATION_RUN_NOT_FOUND", `No bulk resubmission run ${runId}.`, { runId });
  }
  if (run.status === "COMPLETED") return run;
  const stored = run.filter as ReturnType<typeof serializeFilter> & { upToId: string };
  const filter = deserializeFilter(stored);
  const upToId = BigInt(stored.upToId);
  let cursor = run.cursor ? BigInt(run.cursor) : undefined;
  await deps.prisma.migrationRun.update({ where: { id: runId }, data: { status: "RUNNING", error: null } });
  try {
    for (;;) {
      const events = await deps.prisma.auditEvent.findMany({
        where: where(filter, upToId, cursor),
        orderBy: { id: "asc" },
        take: batchSize,
        select: { id: true },
      });
      if (!events.length) break;
      let moved = 0;
      let skipped = 0;
      for (const event of events) {
        const result = await resubmitFromAudit(deps.prisma, deps.queueManager, {
          auditEventId: event.id,
          idempotencyKey: `bulk:${runId}:${event.id}`,
          reason: run.reason,
          actor: run.actor,
          ...(actorUserId ? { actorUserId } : {}),
        });
        if (result.duplicate) skipped++;
        else moved++;
      }
      cursor = events[events.length - 1]?.id;
      await deps.prisma.migrationRun.update({
        where: { id: runId },
        data: {
          processed: { increment: events.length },
          moved: { increment: moved },
          skipped: { increment: skipped },
          cursor: String(cursor),
        },
      });
    }
    return await deps.prisma.migrationRun.update({
      where: { id: runId },
      data: { status: "COMPLETED", finishedAt: new Date() },
    });
  } catch (error) {
    await deps.prisma.migrationRun.update({
      where: { id: runId },
      data: { status: "FAILED", error: (error as Error).message.slice(0, 1000) },
    });
    throw error;
  }
}

function serializeFilter(filter: ResubmitFilter) {
  return {
    ...(filter.actor ? { actor: filter.actor } : {}),
    ...(filter.kind ? { kind: filter.kind } : {}),
    ...(filter.subjectId ? { subjectId: filter.subjectId } : {}),
    ...(filter.from ? { from: filter.from.toISOString() } : {}),
    ...(filter.to ? { to: filter.to.toISOString() } : {}),
  };
}

function deserializeFilter(stored: ReturnType<typeof serializeFilter>): ResubmitFilter {
  return {
    ...(stored.actor ? { actor: stored.actor } : {}),
    ...(stored.kind ? { kind: stored.kind } : {}),
    ...(stored.subjectId ? { subjectId: stored.subjectId } : {}),
    ...(stored.from ? { from: new Date(stored.from) } : {}),
    ...(stored.to ? { to: new Date(stored.to) } : {}),
  };
}
