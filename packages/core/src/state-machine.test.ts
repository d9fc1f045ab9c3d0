import { describe, expect, it } from "vitest";
import { DomainError, isDomainError } from "./errors.ts";
import { canTransition, planTransition, validEvents } from "./state-machine.ts";
import type { WorkOrderEvent, WorkOrderState } from "./states.ts";

type From = WorkOrderState | null;
const X = "invalid" as const;
const F = "fail-split" as const; // FAIL: WAITING_RETRY on "retry", FAILED on "fail"
type Expected = WorkOrderState | typeof X | typeof F;

// Written out by hand from DESIGN §3, deliberately not derived from the implementation.
const EVENTS: WorkOrderEvent[] = ["SUBMIT", "CLAIM", "READY", "COMPLETE", "FAIL", "RETRY", "CANCEL"];
const EXPECTED: Array<[From, Expected[], WorkOrderEvent[]]> = [
  // [from, targets in EVENTS order (SUBMIT, CLAIM, READY, COMPLETE, FAIL, RETRY, CANCEL), valid events]
  [null, ["PENDING", X, X, X, X, X, X], ["SUBMIT"]],
  ["PENDING", [X, "PREPARING", X, X, X, X, "CANCELLED"], ["CLAIM", "CANCEL"]],
  ["PREPARING", [X, X, "RUNNING", X, F, X, "CANCELLED"], ["READY", "FAIL", "CANCEL"]],
  ["RUNNING", [X, X, X, "COMPLETED", F, X, "CANCELLED"], ["COMPLETE", "FAIL", "CANCEL"]],
  ["WAITING_RETRY", [X, X, X, X, X, "PENDING", "CANCELLED"], ["RETRY", "CANCEL"]],
  ["COMPLETED", [X, X, X, X, X, X, X], []],
  ["FAILED", [X, X, X, X, X, X, X], []],
  ["CANCELLED", [X, X, X, X, X, X, X], []],
];

const PAIRS = EXPECTED.flatMap(([from, targets, valid]) =>
  EVENTS.map((event, i) => ({ from, event, expected: targets[i] as Expected, valid })),
);

function catchError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (isDomainError(e)) return e;
    throw e;
  }
  throw new Error("expected a DomainError, nothing was thrown");
}

describe("planTransition over every state × event pair", () => {
  it("covers 8 source states × 7 events", () => {
    expect(PAIRS).toHaveLength(56);
  });

  it.each(PAIRS)("$from + $event → $expected", ({ from, event, expected, valid }) => {
    if (expected === X) {
      const error = catchError(() => planTransition(from, event, "retry"));
      expect(error.code).toBe("INVALID_TRANSITION");
      expect(error.details).toEqual({ state: from, event, validEvents: valid });
      expect(error.message).toContain(event);
      if (from !== null) expect(error.message).toContain(from);
      for (const v of valid) expect(error.message).toContain(v);
      expect(canTransition(from, event)).toBe(false);
    } else if (expected === F) {
      expect(planTransition(from, event, "retry")).toEqual({ from, to: "WAITING_RETRY", event });
      expect(planTransition(from, event, "fail")).toEqual({ from, to: "FAILED", event });
      expect(canTransition(from, event)).toBe(true);
    } else {
      expect(planTransition(from, event)).toEqual({ from, to: expected, event });
      expect(canTransition(from, event)).toBe(true);
    }
  });
});

describe("validEvents", () => {
  it.each(EXPECTED)("%s accepts exactly the listed events", (from, _targets, valid) => {
    expect(validEvents(from)).toEqual(valid);
  });
});

describe("error messages", () => {
  it("names the state and the valid events in order", () => {
    expect(() => planTransition("RUNNING", "CLAIM")).toThrow(
      "Cannot CLAIM a work order in state RUNNING; valid events: COMPLETE, FAIL, CANCEL",
    );
  });

  it("says a terminal state accepts nothing", () => {
    expect(() => planTransition("COMPLETED", "CANCEL")).toThrow(
      "Cannot CANCEL a work order in state COMPLETED; COMPLETED is terminal and accepts no events",
    );
  });

  it("explains an event on an order that does not exist yet", () => {
    expect(() => planTransition(null, "CLAIM")).toThrow(
      "Cannot CLAIM a work order that does not exist yet; valid events: SUBMIT",
    );
  });

  it.each<WorkOrderState>(["PREPARING", "RUNNING"])(
    "FAIL from %s without a retry decision is refused",
    (from) => {
      const error = catchError(() => planTransition(from, "FAIL"));
      expect(error).toBeInstanceOf(DomainError);
      expect(error.code).toBe("INVALID_TRANSITION");
      expect(error.message).toContain("retry decision");
      expect(error.message).toContain('"retry"');
      expect(error.message).toContain('"fail"');
      expect(error.details).toMatchObject({
        state: from,
        event: "FAIL",
        allowedFailOutcomes: ["retry", "fail"],
      });
    },
  );

  it("reports the invalid transition, not the missing decision, for FAIL from a wrong state", () => {
    const error = catchError(() => planTransition("PENDING", "FAIL"));
    expect(error.message).toBe("Cannot FAIL a work order in state PENDING; valid events: CLAIM, CANCEL");
  });
});
