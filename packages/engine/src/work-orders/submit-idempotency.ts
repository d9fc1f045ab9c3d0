import { createHash } from "node:crypto";
import { DomainError, type QueueSystem } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import { stringify } from "safe-stable-stringify";

/**
 * Idempotent submission (a producer's `Idempotency-Key`): one key, one request, the same orders.
 * The orders' ids derive from the key and the request's fingerprint, so a repeat routes and
 * answers exactly like the first use; the key's row (IdempotencyKey, committed in the same
 * statement as the orders) holds the first order's id, which binds the key to its request.
 */
export interface SubmitIdempotency {
  /** Whose key it is (the caller's user id): two callers' keys never meet. */
  scope: string;
  /** The key as the caller sent it. */
  key: string;
}

/** What a submission is, for the fingerprint: what its orders will run. */
export interface SubmissionBody {
  kind: string;
  payload: unknown;
  priority?: number | undefined;
}

/** An order as a repeat of its request answers it, read back from its rows. */
export interface ReplayedOrder {
  id: string;
  system: QueueSystem;
  shadowId: string | null;
  configVersion: number | null;
}

/**
 * The key's row in IdempotencyKey: hashed with its scope, so it is bounded, holds no caller text
 * and cannot collide with a re-submission's key (those are stored as given, never like this).
 */
export function storedSubmitKey({ scope, key }: SubmitIdempotency): string {
  return `submit:${sha256Hex(JSON.stringify([scope, key]))}`;
}

/** The ids of the orders a keyed request makes, one per submission, in order. */
export function idempotentOrderIds(idempotency: SubmitIdempotency, bodies: SubmissionBody[]): string[] {
  const fingerprint = sha256Hex(
    stringify(
      bodies.map((b) => ({ kind: b.kind, payload: b.payload ?? null, priority: b.priority ?? null })),
    ),
  );
  const stored = storedSubmitKey(idempotency);
  return bodies.map((_, index) =>
    uuidV8(sha256Hex(JSON.stringify(["qmc:submit", stored, fingerprint, index]))),
  );
}

/**
 * The answer of a key that is already taken: the orders its first use made, when this request
 * is the same (its first order id is the key's); IDEMPOTENCY_KEY_REUSED when it is another.
 * Null when the key's row is gone (it never is, unless deleted by hand): submit again.
 */
export async function replayTakenKey(
  prisma: PrismaClient,
  idempotency: SubmitIdempotency,
  ids: string[],
): Promise<ReplayedOrder[] | null> {
  const row = await prisma.idempotencyKey.findUnique({ where: { key: storedSubmitKey(idempotency) } });
  if (!row) return null;
  if (row.workOrderId !== ids[0]) {
    throw new DomainError(
      "IDEMPOTENCY_KEY_REUSED",
      `Idempotency key "${idempotency.key}" was first used with a different request (other orders, or another order of them); it cannot submit this one. Send a new key with a different request.`,
      { idempotencyKey: idempotency.key, firstWorkOrderId: row.workOrderId },
    );
  }
  const [newSystemOrders, legacy] = await Promise.all([
    prisma.workOrder.findMany({
      where: { OR: [{ id: { in: ids } }, { shadowOfId: { in: ids } }] },
      select: { id: true, role: true, shadowOfId: true, configVersion: true },
    }),
    prisma.legacyWorkOrder.findMany({
      where: { id: { in: ids } },
      select: { id: true, configVersion: true },
    }),
  ]);
  const legacyById = new Map(legacy.map((o) => [o.id, o]));
  const newSystemById = new Map(newSystemOrders.filter((o) => o.role === "PRIMARY").map((o) => [o.id, o]));
  const shadowOf = new Map(newSystemOrders.filter((o) => o.shadowOfId).map((o) => [o.shadowOfId, o.id]));
  return ids.map((id) => {
    // A legacy order migrated later keeps its legacy row: it was submitted to LEGACY.
    const made = legacyById.get(id) ?? newSystemById.get(id);
    return {
      id,
      system: legacyById.has(id) ? "LEGACY" : "NEW",
      shadowId: shadowOf.get(id) ?? null,
      configVersion: made?.configVersion ?? null,
    };
  });
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A UUID of version 8 (RFC 9562, "custom") from 32+ hex digits; random order ids are version 4. */
function uuidV8(hex: string): string {
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
