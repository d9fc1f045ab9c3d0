import { DomainError, type WorkOrderEvent, type WorkOrderState } from "@qmc/core";
import type { WorkOrder } from "@qmc/db";

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
  // A migrated order's legacy submission: its latencies are timed from it, not from the move.
  "originalSubmittedAt",
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
  /**
   * Fencing token: the write applies only while the order's attempt count is this value (checked
   * before any increment). A worker passes the attempt it holds, so a late write of an attempt
   * that was already given up (and perhaps retried elsewhere) changes nothing.
   */
  expectAttempts?: number;
  /** Who made the change: a worker or a user, for the transition row and the audit trail. */
  actor: string;
  workerId?: string | null;
  set?: TransitionFields;
  metadata?: Record<string, unknown>;
  /**
   * Further events applied in the same write, each with its own transition row
   * (READY right after CLAIM when nothing needs preparing). Batched writes only.
   */
  followedBy?: WorkOrderEvent[];
  /** The finished attempt's row, written in the same statement as the transition. */
  attemptRow?: Record<string, unknown>;
}

export interface AppliedTransition {
  from: WorkOrderState;
  to: WorkOrderState;
  event: WorkOrderEvent;
  /** The order as the write left it. */
  order: TransitionedOrder;
}

/** Why a guarded transition matched nothing: the order is gone, in another state, or in another attempt. */
export function conflictError(
  workOrderId: string,
  expected: WorkOrderState,
  event: WorkOrderEvent,
  actual: { state: WorkOrderState; attempts: number } | null,
  expectAttempts?: number,
): DomainError {
  if (actual === null) {
    return new DomainError("WORK_ORDER_NOT_FOUND", `Work order ${workOrderId} does not exist.`, {
      workOrderId,
    });
  }
  if (actual.state === expected && expectAttempts !== undefined && actual.attempts !== expectAttempts) {
    return new DomainError(
      "STALE_ATTEMPT",
      `Work order ${workOrderId} is on attempt ${actual.attempts}, not ${expectAttempts}: that attempt was already given up, so its ${event} was not applied.`,
      { workOrderId, expectedAttempt: expectAttempts, actualAttempt: actual.attempts, event },
    );
  }
  return new DomainError(
    "TRANSITION_CONFLICT",
    `Work order ${workOrderId} is ${actual.state}, not ${expected}: another process changed it first, so ${event} was not applied.`,
    { workOrderId, expected, actual: actual.state, event },
  );
}
