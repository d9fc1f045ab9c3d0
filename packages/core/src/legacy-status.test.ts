import { describe, expect, it } from "vitest";
import { isDomainError } from "./errors.ts";
import {
  canAdvanceLegacyStatus,
  isLegacyStatus,
  isLegacyTerminalStatus,
  LEGACY_STATUSES,
  LEGACY_TERMINAL_STATUSES,
  type LegacyStatus,
  legacyStatusToState,
  nextLegacyStatuses,
  parseLegacyStatus,
} from "./legacy-status.ts";
import { isTerminalState, type WorkOrderState } from "./states.ts";

const MAPPING: Array<[LegacyStatus, WorkOrderState]> = [
  ["queued", "PENDING"],
  ["building", "PREPARING"],
  ["running", "RUNNING"],
  ["completed", "COMPLETED"],
  ["failed", "FAILED"],
];

describe("legacyStatusToState", () => {
  it("the mapping table covers every legacy status", () => {
    expect(MAPPING.map(([s]) => s)).toEqual([...LEGACY_STATUSES]);
  });

  it.each(MAPPING)("%s → %s", (legacy, state) => {
    expect(legacyStatusToState(legacy)).toBe(state);
  });

  it.each([...LEGACY_STATUSES])("%s: terminal in legacy iff terminal in the new system", (s) => {
    expect(isLegacyTerminalStatus(s)).toBe(isTerminalState(legacyStatusToState(s)));
    expect((LEGACY_TERMINAL_STATUSES as readonly string[]).includes(s)).toBe(isLegacyTerminalStatus(s));
  });
});

describe("parseLegacyStatus", () => {
  it.each([...LEGACY_STATUSES])("accepts %s", (s) => {
    expect(parseLegacyStatus(s)).toBe(s);
    expect(isLegacyStatus(s)).toBe(true);
  });

  it.each(["QUEUED", "Queued", " queued", "pending", "cancelled", "", "done"])("rejects %j", (s) => {
    expect(isLegacyStatus(s)).toBe(false);
    let caught: unknown;
    try {
      parseLegacyStatus(s);
    } catch (e) {
      caught = e;
    }
    expect(isDomainError(caught)).toBe(true);
    if (!isDomainError(caught)) return;
    expect(caught.code).toBe("UNKNOWN_LEGACY_STATUS");
    expect(caught.details).toEqual({ status: s, knownStatuses: [...LEGACY_STATUSES] });
    expect(caught.message).toContain("queued, building, running, completed, failed");
  });
});

describe("legacy progression", () => {
  it.each<[LegacyStatus, LegacyStatus[]]>([
    ["queued", ["building"]],
    ["building", ["running", "failed"]],
    ["running", ["completed", "failed"]],
    ["completed", []],
    ["failed", []],
  ])("%s → %j", (from, next) => {
    expect(nextLegacyStatuses(from)).toEqual(next);
    for (const to of LEGACY_STATUSES) expect(canAdvanceLegacyStatus(from, to)).toBe(next.includes(to));
  });

  it("a successful order walks queued → building → running → completed", () => {
    const path: LegacyStatus[] = ["queued"];
    let current: LegacyStatus = "queued";
    while (!isLegacyTerminalStatus(current)) {
      const next = nextLegacyStatuses(current);
      current = next.includes("completed") ? "completed" : (next[0] ?? current);
      path.push(current);
    }
    expect(path).toEqual(["queued", "building", "running", "completed"]);
  });
});
