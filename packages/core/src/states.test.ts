import { describe, expect, it } from "vitest";
import { validEvents } from "./state-machine.ts";
import {
  isActiveState,
  isCancellableState,
  isTerminalState,
  isWaitingState,
  isWorkOrderEvent,
  isWorkOrderState,
  WORK_ORDER_EVENTS,
  WORK_ORDER_STATES,
  type WorkOrderState,
} from "./states.ts";

// Expected predicate values, written per state rather than derived from the constants.
const TABLE: Array<
  [WorkOrderState, { terminal: boolean; active: boolean; cancellable: boolean; waiting: boolean }]
> = [
  ["PENDING", { terminal: false, active: false, cancellable: true, waiting: true }],
  ["PREPARING", { terminal: false, active: true, cancellable: true, waiting: false }],
  ["RUNNING", { terminal: false, active: true, cancellable: true, waiting: false }],
  ["WAITING_RETRY", { terminal: false, active: false, cancellable: true, waiting: true }],
  ["COMPLETED", { terminal: true, active: false, cancellable: false, waiting: false }],
  ["FAILED", { terminal: true, active: false, cancellable: false, waiting: false }],
  ["CANCELLED", { terminal: true, active: false, cancellable: false, waiting: false }],
];

describe("state predicates", () => {
  it("the table covers every state", () => {
    expect(TABLE.map(([s]) => s)).toEqual([...WORK_ORDER_STATES]);
  });

  it.each(TABLE)("%s", (state, expected) => {
    expect(isTerminalState(state)).toBe(expected.terminal);
    expect(isActiveState(state)).toBe(expected.active);
    expect(isCancellableState(state)).toBe(expected.cancellable);
    expect(isWaitingState(state)).toBe(expected.waiting);
  });

  it.each([...WORK_ORDER_STATES])(
    "%s: cancellable iff the state machine accepts CANCEL, terminal iff no event",
    (s) => {
      expect(isCancellableState(s)).toBe(validEvents(s).includes("CANCEL"));
      expect(isTerminalState(s)).toBe(validEvents(s).length === 0);
    },
  );
});

describe("string guards", () => {
  it("recognise states and events exactly (case-sensitive)", () => {
    for (const s of WORK_ORDER_STATES) expect(isWorkOrderState(s)).toBe(true);
    for (const e of WORK_ORDER_EVENTS) expect(isWorkOrderEvent(e)).toBe(true);
    expect(isWorkOrderState("pending")).toBe(false);
    expect(isWorkOrderState("queued")).toBe(false);
    expect(isWorkOrderEvent("submit")).toBe(false);
    expect(isWorkOrderEvent("")).toBe(false);
  });
});
