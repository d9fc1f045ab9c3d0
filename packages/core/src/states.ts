/**
 * States of a work order in the new queue system, and the predicates over them. All status
 * predicates live here so that "is this state terminal / active / cancellable" has one answer.
 */

/** Every state of the new system's state machine (DESIGN §3). */
export const WORK_ORDER_STATES = [
  "PENDING",
  "PREPARING",
  "RUNNING",
  "WAITING_RETRY",
  "COMPLETED",
  "FAILED",
  "CANCELLED",
] as const;

/** A state of a work order in the new system. */
export type WorkOrderState = (typeof WORK_ORDER_STATES)[number];

/** Every event the state machine accepts (DESIGN §3). */
export const WORK_ORDER_EVENTS = ["SUBMIT", "CLAIM", "READY", "COMPLETE", "FAIL", "RETRY", "CANCEL"] as const;

/** An event that moves a work order from one state to another. */
export type WorkOrderEvent = (typeof WORK_ORDER_EVENTS)[number];

/** States that accept no further event: the order's outcome is final. */
export const TERMINAL_STATES = [
  "COMPLETED",
  "FAILED",
  "CANCELLED",
] as const satisfies readonly WorkOrderState[];

/** A final state of a work order. */
export type TerminalState = (typeof TERMINAL_STATES)[number];

/** States in which a worker holds the order (a sandbox may be running). */
export const ACTIVE_STATES = ["PREPARING", "RUNNING"] as const satisfies readonly WorkOrderState[];

/** States from which CANCEL is accepted; the state machine's CANCEL row is built from this list. */
export const CANCELLABLE_STATES = [
  "PENDING",
  "PREPARING",
  "RUNNING",
  "WAITING_RETRY",
] as const satisfies readonly WorkOrderState[];

const STATE_SET: ReadonlySet<string> = new Set(WORK_ORDER_STATES);
const EVENT_SET: ReadonlySet<string> = new Set(WORK_ORDER_EVENTS);
const TERMINAL_SET: ReadonlySet<WorkOrderState> = new Set(TERMINAL_STATES);
const ACTIVE_SET: ReadonlySet<WorkOrderState> = new Set(ACTIVE_STATES);
const CANCELLABLE_SET: ReadonlySet<WorkOrderState> = new Set(CANCELLABLE_STATES);

/** True when `s` is one of {@link WORK_ORDER_STATES} (e.g. a value read from the database). */
export function isWorkOrderState(s: string): s is WorkOrderState {
  return STATE_SET.has(s);
}

/** True when `s` is one of {@link WORK_ORDER_EVENTS}. */
export function isWorkOrderEvent(s: string): s is WorkOrderEvent {
  return EVENT_SET.has(s);
}

/** True for COMPLETED, FAILED and CANCELLED: no event is accepted any more. */
export function isTerminalState(s: WorkOrderState): s is TerminalState {
  return TERMINAL_SET.has(s);
}

/** True for PREPARING and RUNNING: a worker owns the order and may have a sandbox running. */
export function isActiveState(s: WorkOrderState): boolean {
  return ACTIVE_SET.has(s);
}

/** True when CANCEL is accepted: PENDING, PREPARING, RUNNING or WAITING_RETRY. */
export function isCancellableState(s: WorkOrderState): boolean {
  return CANCELLABLE_SET.has(s);
}

/** True when the order waits for a worker (PENDING) or for its retry time (WAITING_RETRY). */
export function isWaitingState(s: WorkOrderState): boolean {
  return s === "PENDING" || s === "WAITING_RETRY";
}
