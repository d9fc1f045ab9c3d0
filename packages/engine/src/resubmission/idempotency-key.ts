import { setTimeout as sleep } from "node:timers/promises";
import { DomainError, type QueueSystem } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import { isFingerprintedOrderId } from "./request-fingerprint.ts";

/** The audit action of a re-submission; its event settles the key's use (answer and source event). */
export const RESUBMIT_ACTION = "work_order.resubmit";

/** What a re-submission answers, the first time and on every repeat. */
export interface ResubmitAnswer {
  id: string;
  system: QueueSystem;
  resubmittedFromId: string;
}

export interface KeyClaim {
  key: string;
  /** The order id this request's fingerprint derives for the key. */
  orderId: string;
  auditEventId: bigint;
  /** A use of the key that made no order yet is taken over when older than this. */
  abandonedAfterMs: number;
  /** How long to wait for an earlier use of the key to finish before giving up. */
  waitMs: number;
}

/** The key's row, as far as this file reads it. */
interface KeyRow {
  key: string;
  workOrderId: string;
  createdAt: Date;
}

export type ClaimOutcome = { claimed: true; createdAt: Date } | { claimed: false; answer: ResubmitAnswer };

/**
 * Claims `key` for this request, or returns what its earlier use answered. A request that finds
 * the key in use by the same request (same derived order id) waits for that use to finish and
 * returns its answer; by another request, it is refused with IDEMPOTENCY_KEY_REUSED naming the
 * event the key was first used with. A use that died before making its order is taken over.
 * @throws DomainError IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_KEY_IN_USE (the same request is still
 *   in progress after `waitMs`)
 */
export async function claimKey(prisma: PrismaClient, claim: KeyClaim): Promise<ClaimOutcome> {
  const deadline = Date.now() + claim.waitMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
    const createdAt = new Date();
    const { count } = await prisma.idempotencyKey.createMany({
      // The system is a placeholder until the order is made; the answer never reads it before.
      data: [{ key: claim.key, workOrderId: claim.orderId, system: "NEW", createdAt }],
      skipDuplicates: true,
    });
    if (count === 1) return { claimed: true, createdAt };
    const row = await prisma.idempotencyKey.findUnique({ where: { key: claim.key } });
    if (!row) continue; // released meanwhile: claim it again
    const use = await firstUse(prisma, row);
    const same =
      row.workOrderId === claim.orderId ||
      // A key claimed before fingerprints existed: the same request iff it named the same event.
      (!isFingerprintedOrderId(row.workOrderId) && use.auditEventId === String(claim.auditEventId));
    const different = !same && (isFingerprintedOrderId(row.workOrderId) || use.auditEventId !== null);
    const timedOut = Date.now() >= deadline;
    if (different && (use.auditEventId !== null || timedOut)) throw keyReused(claim, row, use.auditEventId);
    if (same && use.answer) return { claimed: false, answer: use.answer };
    if (!use.answer && Date.now() - row.createdAt.getTime() >= claim.abandonedAfterMs) {
      // Its request died before making an order: nothing was made with the key, take it over.
      await prisma.idempotencyKey.deleteMany({
        where: { key: row.key, workOrderId: row.workOrderId, createdAt: row.createdAt },
      });
      continue;
    }
    if (timedOut) throw keyInUse(claim.key);
    await sleep(pause);
  }
}

/** Frees a key this request claimed and made nothing with, so the caller may retry with it. */
export async function releaseKey(prisma: PrismaClient, key: string, orderId: string, createdAt: Date) {
  await prisma.idempotencyKey.deleteMany({ where: { key, workOrderId: orderId, createdAt } });
}

/**
 * What the key's first use made, if anything: its answer (from its settling audit event, or from
 * the order's rows while that event is not written yet) and the audit event it re-submitted
 * (known once settled).
 */
async function firstUse(
  prisma: PrismaClient,
  row: KeyRow,
): Promise<{ answer: ResubmitAnswer | null; auditEventId: string | null }> {
  if (!row.workOrderId) return { answer: null, auditEventId: null };
  const settled = await prisma.auditEvent.findFirst({
    where: {
      action: RESUBMIT_ACTION,
      subjectType: { in: ["WorkOrder", "LegacyWorkOrder"] },
      subjectId: row.workOrderId,
    },
    orderBy: { id: "asc" },
    select: { subjectType: true, before: true },
  });
  const source = settled?.before as { from?: unknown; auditEventId?: unknown } | null | undefined;
  if (settled && typeof source?.from === "string" && typeof source.auditEventId === "string") {
    const system = settled.subjectType === "WorkOrder" ? "NEW" : "LEGACY";
    return {
      answer: { id: row.workOrderId, system, resubmittedFromId: source.from },
      auditEventId: source.auditEventId,
    };
  }
  // Made but not settled yet: the order's rows say where it went.
  return { answer: await madeOrder(prisma, row.workOrderId), auditEventId: null };
}

/**
 * The answer of a re-submitted order from its own rows, or null when no such order exists. A
 * legacy order keeps its row when it is migrated to the new system later; its answer stays LEGACY.
 */
export async function madeOrder(prisma: PrismaClient, id: string): Promise<ResubmitAnswer | null> {
  const where = { where: { id }, select: { resubmittedFromId: true } };
  const [legacy, newSystem] = await Promise.all([
    prisma.legacyWorkOrder.findUnique(where),
    prisma.workOrder.findUnique(where),
  ]);
  const made = legacy
    ? { system: "LEGACY" as const, ...legacy }
    : newSystem
      ? { system: "NEW" as const, ...newSystem }
      : null;
  if (!made?.resubmittedFromId) return null;
  return { id, system: made.system, resubmittedFromId: made.resubmittedFromId };
}

function keyReused(claim: KeyClaim, row: KeyRow, firstAuditEventId: string | null): DomainError {
  const first =
    firstAuditEventId === null ? "another request (still in progress)" : `audit event ${firstAuditEventId}`;
  return new DomainError(
    "IDEMPOTENCY_KEY_REUSED",
    `Idempotency key ${claim.key} was first used to re-submit ${first}; it cannot re-submit audit event ${claim.auditEventId}. Use a new key for a different request.`,
    {
      idempotencyKey: claim.key,
      auditEventId: String(claim.auditEventId),
      firstAuditEventId,
      firstWorkOrderId: row.workOrderId || null,
    },
  );
}

function keyInUse(key: string): DomainError {
  return new DomainError(
    "IDEMPOTENCY_KEY_IN_USE",
    `A re-submission with key ${key} is still in progress; try again in a moment.`,
    { idempotencyKey: key },
  );
}
