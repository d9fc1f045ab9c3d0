import { assertReason, DomainError } from "@qmc/core";
import type { AuditEvent, PrismaClient } from "@qmc/db";
import type { QueueManager } from "../routing/queue-manager.ts";
import { claimKey, madeOrder, RESUBMIT_ACTION, type ResubmitAnswer, releaseKey } from "./idempotency-key.ts";
import { requestFingerprint, resubmittedOrderId, type Submission } from "./request-fingerprint.ts";

export interface ResubmitRequest {
  auditEventId: bigint;
  /**
   * One key, one request, one new order: a double click or a retried request makes no second order
   * and gets the first answer; the key used with another request is refused (IDEMPOTENCY_KEY_REUSED).
   */
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

export interface ResubmitResult extends ResubmitAnswer {
  /** True when the key had been used: the order it made is returned, nothing new is made. */
  duplicate: boolean;
}

/** Keys of a request that died between claiming the key and submitting may be reclaimed after this. */
const ABANDONED_KEY_MS = 60_000;
/** How long a repeat waits for the same request, still in progress, to finish and give its answer. */
const IN_PROGRESS_WAIT_MS = 10_000;

/**
 * Re-submits a work order from the audit trail (the plan's "Data Recovery"): the new order is
 * routed by today's config, linked to the original (`resubmittedFromId`) and audited with the
 * reason. Works even when the original order's row is gone: the audit event holds the submission.
 * A shadow copy's submission is refused: a shadow re-run as a real order would act twice.
 *
 * The key is bound to the request's fingerprint (the event and its submission): the new order's id
 * is derived from both and stored with the key when it is claimed. A repeat — also one arriving
 * while the first is still running — returns exactly the first answer (same order, system and
 * source); the key with another event is refused with IDEMPOTENCY_KEY_REUSED and makes nothing.
 */
export async function resubmitFromAudit(
  prisma: PrismaClient,
  queueManager: QueueManager,
  request: ResubmitRequest,
): Promise<ResubmitResult> {
  assertReason(request.reason);
  const { event, submission } = await resubmittableEvent(prisma, request.auditEventId);
  const fingerprint = requestFingerprint(event.id, submission);
  const id = resubmittedOrderId(request.idempotencyKey, fingerprint);
  const claim = await claimKey(prisma, {
    key: request.idempotencyKey,
    orderId: id,
    auditEventId: event.id,
    abandonedAfterMs: request.reclaimUnsettledKey ? 0 : ABANDONED_KEY_MS,
    waitMs: IN_PROGRESS_WAIT_MS,
  });
  if (!claim.claimed) return { ...claim.answer, duplicate: true };
  // The id is the request's: an order with it exists only if a use of this key by this very request
  // made it and then lost the key's row (taken over as abandoned while it was slow). It is the answer.
  const made = await madeOrder(prisma, id);
  if (made) return { ...made, duplicate: true };

  let system: ResubmitAnswer["system"];
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
    system = routed.system;
  } catch (error) {
    // Nothing was made: free the key so the caller can fix the cause and retry with it.
    await releaseKey(prisma, request.idempotencyKey, id, claim.createdAt).catch(() => {});
    throw error;
  }
  // The order exists from here on, so the key stays bound to it whatever happens next: a repeat
  // answers from the order's rows until this event is written.
  await prisma.$transaction([
    prisma.idempotencyKey.updateMany({
      where: { key: request.idempotencyKey, workOrderId: id },
      data: { system },
    }),
    prisma.auditEvent.create({
      data: {
        actor: request.actor,
        actorUserId: request.actorUserId ?? null,
        action: RESUBMIT_ACTION,
        subjectType: system === "NEW" ? "WorkOrder" : "LegacyWorkOrder",
        subjectId: id,
        before: { from: event.subjectId, auditEventId: String(event.id) },
        after: { system, idempotencyKey: request.idempotencyKey, requestFingerprint: fingerprint },
        reason: request.reason.trim(),
      },
    }),
  ]);
  return { id, system, duplicate: false, resubmittedFromId: event.subjectId };
}

/** The audit event and the submission it holds, or AUDIT_EVENT_NOT_RESUBMITTABLE. */
async function resubmittableEvent(
  prisma: PrismaClient,
  auditEventId: bigint,
): Promise<{ event: AuditEvent; submission: Submission }> {
  const event = await prisma.auditEvent.findUnique({ where: { id: auditEventId } });
  const submission = event?.submission as Submission | null | undefined;
  if (!event || !submission || typeof submission.kind !== "string") {
    throw new DomainError(
      "AUDIT_EVENT_NOT_RESUBMITTABLE",
      `Audit event ${auditEventId} does not exist or holds no submission; pick a work_order.submit event.`,
      { auditEventId: String(auditEventId) },
    );
  }
  if (isShadowSubmission(event.after)) {
    throw new DomainError(
      "AUDIT_EVENT_NOT_RESUBMITTABLE",
      `Audit event ${auditEventId} is the submission of a shadow copy, which is never re-submitted; re-submit its primary order's event.`,
      { auditEventId: String(auditEventId), shadow: true },
    );
  }
  return { event, submission };
}

/** The submit path writes `after.role` on every submit event; a shadow's is "SHADOW". */
function isShadowSubmission(after: unknown): boolean {
  return typeof after === "object" && after !== null && (after as { role?: unknown }).role === "SHADOW";
}
