import { randomUUID } from "node:crypto";
import { assertReason, DomainError } from "@qmc/core";
import { Prisma, type PrismaClient } from "@qmc/db";
import type { QueueManager, RoutedSubmission } from "../routing/queue-manager.ts";

/** What an audit event must hold to be re-submitted: the full original submission. */
interface Submission {
  kind: string;
  payload: unknown;
  priority?: number;
}

export interface ResubmitRequest {
  auditEventId: bigint;
  /** One key, one new order: a double click or a retried request makes no second order. */
  idempotencyKey: string;
  reason: string;
  actor: string;
  actorUserId?: string;
  /**
   * Take over a use of the key that made no order yet at once, instead of after a minute. Only for
   * a caller that knows no one else is using the key now (a bulk run's worker holding its run).
   */
  reclaimUnsettledKey?: boolean;
}

export interface ResubmitResult extends Pick<RoutedSubmission, "id" | "system"> {
  /** True when the key had been used: the order it made is returned, nothing new is made. */
  duplicate: boolean;
  resubmittedFromId: string;
}

/** Keys of a request that died between claiming the key and submitting may be reclaimed after this. */
const ABANDONED_KEY_MS = 60_000;

/**
 * Re-submits a work order from the audit trail (the plan's "Data Recovery"): the new order is
 * routed by today's config, linked to the original (`resubmittedFromId`) and audited with the
 * reason. Works even when the original order's row is gone: the audit event holds the submission.
 * A shadow copy's submission is refused: a shadow re-run as a real order would act twice.
 */
export async function resubmitFromAudit(
  prisma: PrismaClient,
  queueManager: QueueManager,
  request: ResubmitRequest,
): Promise<ResubmitResult> {
  assertReason(request.reason);
  const event = await prisma.auditEvent.findUnique({ where: { id: request.auditEventId } });
  const submission = event?.submission as Submission | null | undefined;
  if (!event || !submission || typeof submission.kind !== "string") {
    throw new DomainError(
      "AUDIT_EVENT_NOT_RESUBMITTABLE",
      `Audit event ${request.auditEventId} does not exist or holds no submission; pick a work_order.submit event.`,
      { auditEventId: String(request.auditEventId) },
    );
  }
  if (isShadowSubmission(event.after)) {
    throw new DomainError(
      "AUDIT_EVENT_NOT_RESUBMITTABLE",
      `Audit event ${request.auditEventId} is the submission of a shadow copy, which is never re-submitted; re-submit its primary order's event.`,
      { auditEventId: String(request.auditEventId), shadow: true },
    );
  }
  const existing = await claimKey(
    prisma,
    request.idempotencyKey,
    request.reclaimUnsettledKey ? 0 : ABANDONED_KEY_MS,
  );
  if (existing)
    return {
      id: existing.workOrderId,
      system: existing.system,
      duplicate: true,
      resubmittedFromId: event.subjectId,
    };

  const id = randomUUID();
  await prisma.idempotencyKey.update({ where: { key: request.idempotencyKey }, data: { workOrderId: id } });
  try {
    const routed = await queueManager.submit({
      id,
      kind: submission.kind,
      payload: submission.payload,
      ...(submission.priority === undefined ? {} : { priority: submission.priority }),
      actor: request.actor,
      ...(request.actorUserId ? { actorUserId: request.actorUserId } : {}),
      resubmittedFromId: event.subjectId,
    });
    await prisma.$transaction([
      prisma.idempotencyKey.update({
        where: { key: request.idempotencyKey },
        data: { system: routed.system },
      }),
      prisma.auditEvent.create({
        data: {
          actor: request.actor,
          actorUserId: request.actorUserId ?? null,
          action: "work_order.resubmit",
          subjectType: routed.system === "NEW" ? "WorkOrder" : "LegacyWorkOrder",
          subjectId: id,
          before: { from: event.subjectId, auditEventId: String(event.id) },
          after: { system: routed.system, idempotencyKey: request.idempotencyKey },
          reason: request.reason.trim(),
        },
      }),
    ]);
    return { id, system: routed.system, duplicate: false, resubmittedFromId: event.subjectId };
  } catch (error) {
    // Nothing was made: free the key so the caller can fix the cause and retry with it.
    await prisma.idempotencyKey.delete({ where: { key: request.idempotencyKey } }).catch(() => {});
    throw error;
  }
}

/** The submit path writes `after.role` on every submit event; a shadow's is "SHADOW". */
function isShadowSubmission(after: unknown): boolean {
  return typeof after === "object" && after !== null && (after as { role?: unknown }).role === "SHADOW";
}

/** Claims the key for a new order; returns the order an earlier use of it made, if any. */
async function claimKey(prisma: PrismaClient, key: string, abandonedAfterMs: number) {
  for (let tries = 0; tries < 2; tries++) {
    try {
      await prisma.idempotencyKey.create({ data: { key, workOrderId: "", system: "NEW" } });
      return null;
    } catch (error) {
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    }
    const found = await prisma.idempotencyKey.findUniqueOrThrow({ where: { key } });
    const settled = found.workOrderId !== "" && (await orderExists(prisma, found.workOrderId));
    if (settled) return found;
    if (Date.now() - found.createdAt.getTime() < abandonedAfterMs) {
      throw new DomainError(
        "IDEMPOTENCY_KEY_IN_USE",
        `A resubmission with key ${key} is in progress; try again in a moment.`,
        {
          idempotencyKey: key,
        },
      );
    }
    await prisma.idempotencyKey.delete({ where: { key } }).catch(() => {});
  }
  throw new DomainError("IDEMPOTENCY_KEY_IN_USE", `Could not claim idempotency key ${key}; try again.`, {
    idempotencyKey: key,
  });
}

async function orderExists(prisma: PrismaClient, id: string): Promise<boolean> {
  const [fresh, legacy] = await Promise.all([
    prisma.workOrder.count({ where: { id } }),
    prisma.legacyWorkOrder.count({ where: { id } }),
  ]);
  return fresh + legacy > 0;
}
