import { DomainError } from "./errors.ts";
import { CANCELLABLE_STATES, WORK_ORDER_EVENTS, type WorkOrderEvent, type WorkOrderState } from "./states.ts";

/**
 * Where a FAIL goes is not a property of the state machine but of the retry decision
 * (see `decideRetry`): "retry" → WAITING_RETRY, "fail" → FAILED.
 */
export type FailOutcome = "retry" | "fail";

/** Target of a transition row: a single state, or one per {@link FailOutcome} for FAIL. */
export type TransitionTarget = WorkOrderState | Readonly<Record<FailOutcome, WorkOrderState>>;

/** One row of the transition table. `null` in `from` means "the order does not exist yet". */
export interface TransitionRow {
  readonly event: WorkOrderEvent;
  readonly from: readonly (WorkOrderState | null)[];
  readonly to: TransitionTarget;
}

/**
 * The state machine of DESIGN §3 as data, one row per event, in the order of the design table.
 * Anything not listed is invalid; terminal states appear in no `from` list.
 */
export const TRANSITION_TABLE: readonly TransitionRow[] = [
  { event: "SUBMIT", from: [null], to: "PENDING" },
  { event: "CLAIM", from: ["PENDING"], to: "PREPARING" },
  { event: "READY", from: ["PREPARING"], to: "RUNNING" },
  { event: "COMPLETE", from: ["RUNNING"], to: "COMPLETED" },
  { event: "FAIL", from: ["PREPARING", "RUNNING"], to: { retry: "WAITING_RETRY", fail: "FAILED" } },
  { event: "RETRY", from: ["WAITING_RETRY"], to: "PENDING" },
  { event: "CANCEL", from: CANCELLABLE_STATES, to: "CANCELLED" },
];

/** A transition the caller is allowed to apply (as one guarded write `… WHERE state = from`). */
export interface PlannedTransition {
  readonly from: WorkOrderState | null;
  readonly to: WorkOrderState;
  readonly event: WorkOrderEvent;
}

function rowFor(event: WorkOrderEvent): TransitionRow | undefined {
  return TRANSITION_TABLE.find((row) => row.event === event);
}

/**
 * Events accepted in state `from`, in {@link WORK_ORDER_EVENTS} order. `null` (order not created
 * yet) accepts only SUBMIT; terminal states accept nothing.
 */
export function validEvents(from: WorkOrderState | null): WorkOrderEvent[] {
  return WORK_ORDER_EVENTS.filter((event) => rowFor(event)?.from.includes(from) ?? false);
}

/** True when `event` is accepted in state `from` (whatever the fail outcome). */
export function canTransition(from: WorkOrderState | null, event: WorkOrderEvent): boolean {
  return validEvents(from).includes(event);
}

function describeState(from: WorkOrderState | null): string {
  return from === null ? "a work order that does not exist yet" : `a work order in state ${from}`;
}

function invalidTransition(from: WorkOrderState | null, event: WorkOrderEvent): DomainError {
  const allowed = validEvents(from);
  const hint =
    allowed.length === 0
      ? `${from} is terminal and accepts no events`
      : `valid events: ${allowed.join(", ")}`;
  return new DomainError("INVALID_TRANSITION", `Cannot ${event} ${describeState(from)}; ${hint}`, {
    state: from,
    event,
    validEvents: allowed,
  });
}

/**
 * Decides the target state of `event` in state `from`, or throws. Pure: it applies nothing.
 *
 * @param failOutcome - required for FAIL (the retry manager's decision), ignored otherwise.
 * @throws DomainError INVALID_TRANSITION naming the state and the valid events, or, for FAIL
 *   without `failOutcome`, saying that the retry decision is required.
 */
export function planTransition(
  from: WorkOrderState | null,
  event: WorkOrderEvent,
  failOutcome?: FailOutcome,
): PlannedTransition {
  const row = rowFor(event);
  if (row === undefined || !row.from.includes(from)) throw invalidTransition(from, event);
  if (typeof row.to === "string") return { from, to: row.to, event };
  if (failOutcome === undefined) {
    // Guessing here would silently either drop a retry or retry a fatal error.
    throw new DomainError(
      "INVALID_TRANSITION",
      `Cannot FAIL ${describeState(from)} without a retry decision; pass failOutcome "retry" (→ ${row.to.retry}) or "fail" (→ ${row.to.fail}), as decided by decideRetry`,
      { state: from, event, validEvents: validEvents(from), allowedFailOutcomes: ["retry", "fail"] },
    );
  }
  return { from, to: row.to[failOutcome], event };
}
