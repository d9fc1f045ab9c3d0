import { describe, expect, it } from "vitest";
import { PRIORITY_RANGE } from "../tasks/submission.ts";
import { classifyMemoryPressure } from "./memory-pressure.ts";
import { transportPriority } from "./priority.ts";
import { decideSlot, type SlotState, usableSlots } from "./slot-policy.ts";

describe("classifyMemoryPressure", () => {
  it.each([
    [0.5, "none", "none"],
    [0.8, "none", "warning"],
    [0.9, "none", "critical"],
    [0.87, "critical", "critical"], // within the hysteresis band: stays critical
    [0.85, "critical", "warning"], // left the band
    [0.77, "warning", "warning"],
    [0.75, "warning", "none"],
    [0.77, "none", "none"], // rising: no band on the way up
  ] as const)("ratio %f after %s → %s", (ratio, previous, expected) => {
    expect(classifyMemoryPressure(ratio, previous)).toBe(expected);
  });
});

const base: SlotState = {
  slotsTotal: 4,
  concurrencyLimit: 4,
  inUse: 0,
  pressure: "none",
  lastGrantAt: null,
  staggerMs: 100,
};

describe("decideSlot", () => {
  it("grants a free slot", () => expect(decideSlot(base, 0)).toEqual({ grant: true }));
  it("refuses when every usable slot is taken", () =>
    expect(decideSlot({ ...base, inUse: 4 }, 0)).toEqual({ grant: false, reason: "no-free-slot" }));
  it("honours a lowered concurrency limit", () =>
    expect(decideSlot({ ...base, concurrencyLimit: 2, inUse: 2 }, 0)).toMatchObject({ grant: false }));
  it("starts nothing under critical memory pressure", () =>
    expect(decideSlot({ ...base, pressure: "critical" }, 0)).toEqual({
      grant: false,
      reason: "memory-critical",
    }));
  it("halves the usable slots under warning, keeping at least one", () => {
    expect(usableSlots({ ...base, pressure: "warning" })).toBe(2);
    expect(usableSlots({ ...base, slotsTotal: 1, concurrencyLimit: 1, pressure: "warning" })).toBe(1);
  });
  it("staggers starts", () => {
    expect(decideSlot({ ...base, lastGrantAt: 1000 }, 1040)).toEqual({
      grant: false,
      reason: "stagger",
      waitMs: 60,
    });
    expect(decideSlot({ ...base, lastGrantAt: 1000 }, 1100)).toEqual({ grant: true });
  });
});

describe("transportPriority", () => {
  it("maps our highest priority to BullMQ's 1 and keeps the order", () => {
    expect(transportPriority(PRIORITY_RANGE.max)).toBe(1);
    expect(transportPriority(PRIORITY_RANGE.min)).toBeGreaterThan(transportPriority(PRIORITY_RANGE.default));
  });
});
