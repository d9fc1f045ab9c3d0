import { DomainError, planTransition, type WorkOrderEvent, type WorkOrderState } from "@qmc/core";
import type { PrismaClient, WorkOrder } from "@qmc/db";

/** Columns a transition may set along with the state, and their SQL types. */
export const SETTABLE_COLUMNS = {
  attempts: "int",
  maxAttempts: "int",
  nextRetryAt: "timestamp(3)",
  startedAt: "timestamp(3)",
  finishedAt: "timestamp(3)",
  workerId: "text",
  exitCode: "int",
  outputDigest: "text",
  output: "text",
  errorClass: "text",
  errorMessage: "text",
  cancelRequestedAt: "timestamp(3)",
} as const;

/** The order columns a transition returns: what the executor reads, not the (large) output. */
export const RETURNED_COLUMNS = [
  "id",
  "kind",
  "payload",
  "state",
  "role",
  "priority",
  "attempts",
  "maxAttempts",
  "nextRetryAt",
  "shadowOfId",
  "workerId",
  "cancelRequestedAt",
  "createdAt",
  "startedAt",
] as const satisfies ReadonlyArray<keyof WorkOrder>;

export type TransitionedOrder = Pick<WorkOrder, (typeof RETURNED_COLUMNS)[number]>;

export type TransitionFields = {
  [K in keyof typeof SETTABLE_COLUMNS]?: WorkOrder[K];
};

export interface TransitionRequest {
  workOrderId: string;
  from: WorkOrderState;
  event: WorkOrderEvent;
  /** For FAIL: what the retry decision chose. */
  failOutcome?: "retry" | "fail";
  /** The attempt the transition belongs to; omitted with `incrementAttempts` (the new count is used). */
  attempt?: number;
  /** CLAIM starts a new attempt: `attempts = attempts + 1`, atomically. */
  incrementAttempts?: boolean;
  /** Who made the change: a worker or a user, for the transition row and the audit trail. */
  actor: string;
  workerId?: string | null;
  set?: TransitionFields;
  metadata?: Record<string, unknown>;
  /**
   * Further events applied in the same write, each with its own transition row and audit event
   * (READY right after CLAIM when nothing needs preparing). Batched writes only.
   */
  followedBy?: WorkOrderEvent[];
  /** The finished attempt's row, written in the same statement as the transition. Batched writes only. */
  attemptRow?: Record<string, unknown>;
}

export interface AppliedTransition {
  from: WorkOrderState;
  to: WorkOrderState;
  event: WorkOrderEvent;
  /** The order as the write left it. */
  order: TransitionedOrder;
}

/**
 * One state change as ONE guarded SQL statement: the `UPDATE … WHERE id = ? AND state = <from>`,
 * its transition row and its audit event are data-modifying CTEs of a single statement, so they
 * commit together or not at all, in one round trip. When the guard matches nothing another
 * process changed the order first: TRANSITION_CONFLICT, never a second terminal state.
 */
export async function applyTransition(
  prisma: PrismaClient,
  request: TransitionRequest,
): Promise<AppliedTransition> {
  const { workOrderId, from, event } = request;
  const { to } = planTransition(from, event, request.failOutcome);
  const at = new Date().toISOString();
  const params: unknown[] = [workOrderId, from, to, at, event];
  const param = (value: unknown) => {
    params.push(value instanceof Date ? value.toISOString() : value);
    return `$${params.length}`;
  };
  const assignments = ['"state" = $3::"WorkOrderState"', '"updatedAt" = $4::timestamp(3)'];
  if (request.incrementAttempts) assignments.push('"attempts" = "attempts" + 1');
  for (const [column, value] of Object.entries(request.set ?? {})) {
    const type = SETTABLE_COLUMNS[column as keyof typeof SETTABLE_COLUMNS];
    if (!type) throw new Error(`applyTransition cannot set column ${column}`);
    if (value !== undefined) assignments.push(`"${column}" = ${param(value)}::${type}`);
  }
  const attempt = param(request.attempt ?? null);
  const workerId = param(request.workerId ?? null);
  const metadata = param(request.metadata ? JSON.stringify(request.metadata) : null);
  const actor = param(request.actor);
  const sql = `
    WITH moved AS (
      UPDATE "WorkOrder" SET ${assignments.join(", ")}
      WHERE "id" = $1 AND "state" = $2::"WorkOrderState"
      RETURNING ${RETURNED_COLUMNS.map((c) => `"${c}"`).join(", ")}
    ), transition AS (
      INSERT INTO "StateTransition" ("workOrderId", "fromState", "toState", "event", "at", "attempt", "workerId", "metadata")
      SELECT "id", $2::"WorkOrderState", $3::"WorkOrderState", $5::"TransitionEvent", $4::timestamp(3),
             COALESCE(${attempt}::int, "attempts"), ${workerId}::text, ${metadata}::jsonb
      FROM moved
    ), audit AS (
      INSERT INTO "AuditEvent" ("at", "actor", "action", "subjectType", "subjectId", "before", "after")
      SELECT $4::timestamp(3), ${actor}::text, 'work_order.transition', 'WorkOrder', "id",
             jsonb_build_object('state', $2::text),
             jsonb_build_object('state', $3::text, 'event', $5::text, 'attempt', COALESCE(${attempt}::int, "attempts"))
               || COALESCE(${metadata}::jsonb, '{}'::jsonb)
      FROM moved
    )
    SELECT * FROM moved`;
  const rows = await prisma.$queryRawUnsafe<TransitionedOrder[]>(sql, ...params);
  const order = rows[0];
  if (!order) throw await transitionConflict(prisma, workOrderId, from, event);
  return { from, to, event, order };
}

async function transitionConflict(
  prisma: PrismaClient,
  workOrderId: string,
  expected: WorkOrderState,
  event: WorkOrderEvent,
): Promise<DomainError> {
  const current = await prisma.workOrder.findUnique({ where: { id: workOrderId }, select: { state: true } });
  return conflictError(workOrderId, expected, event, current?.state ?? null);
}

/** Why a guarded transition matched nothing: the order is gone, or in another state. */
export function conflictError(
  workOrderId: string,
  expected: WorkOrderState,
  event: WorkOrderEvent,
  actual: WorkOrderState | null,
): DomainError {
  if (actual === null) {
    return new DomainError("WORK_ORDER_NOT_FOUND", `Work order ${workOrderId} does not exist.`, {
      workOrderId,
    });
  }
  return new DomainError(
    "TRANSITION_CONFLICT",
    `Work order ${workOrderId} is ${actual}, not ${expected}: another process changed it first, so ${event} was not applied.`,
    { workOrderId, expected, actual, event },
  );
}
