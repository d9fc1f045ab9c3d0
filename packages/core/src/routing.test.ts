import { describe, expect, it } from "vitest";
import { isDomainError } from "./errors.ts";
import {
  assertValidRolloutPercent,
  isValidRolloutPercent,
  type RoutingConfig,
  rolloutPercentToBasisPoints,
  routeWorkOrder,
  routingBucket,
} from "./routing.ts";

describe("rollout percent validation", () => {
  it.each([0, 0.01, 0.29, 10, 10.01, 12.5, 33.33, 50, 99.99, 100])("accepts %s", (p) => {
    expect(isValidRolloutPercent(p)).toBe(true);
    expect(() => assertValidRolloutPercent(p)).not.toThrow();
  });

  it.each<[unknown, string]>([
    [10.005, "not a multiple of 0.01"],
    [0.001, "not a multiple of 0.01"],
    [Number.NaN, "got NaN"],
    [Number.POSITIVE_INFINITY, "got Infinity"],
    [-1, "outside 0–100"],
    [-0.01, "outside 0–100"],
    [100.01, "outside 0–100"],
    [101, "outside 0–100"],
    ["50", 'got string "50"'],
    [null, "expected a number"],
    [undefined, "expected a number"],
    [10n, "got bigint 10, expected a number"],
    [Object.create(null), "got object [object Object], expected a number"],
  ])("rejects %s", (p, reason) => {
    expect(isValidRolloutPercent(p)).toBe(false);
    let caught: unknown;
    try {
      assertValidRolloutPercent(p);
    } catch (e) {
      caught = e;
    }
    expect(isDomainError(caught) && caught.code).toBe("INVALID_ROLLOUT_PERCENT");
    expect(String((caught as Error).message)).toContain("from 0 to 100 in steps of 0.01");
    expect(String((caught as Error).message)).toContain(reason);
  });

  it.each([
    [0, 0],
    [0.01, 1],
    [0.29, 29],
    [10, 1000],
    [10.01, 1001],
    [12.5, 1250],
    [100, 10000],
  ])("%s %% is %s basis points", (p, bp) => {
    expect(rolloutPercentToBasisPoints(p)).toBe(bp);
  });

  it("refuses to convert an invalid percent", () => {
    expect(() => rolloutPercentToBasisPoints(10.005)).toThrow("not a multiple of 0.01");
  });
});

const base: RoutingConfig = {
  useNewQueueSystem: true,
  newQueueRolloutPercent: 10,
  shadowMode: false,
  salt: "qmc",
  legacyRetired: false,
};

// From the vector table: bucket("qmc", "wo_0001") = 498, bucket("qmc", "wo_0003") = 9743.
describe("routeWorkOrder", () => {
  it("uses the bucket from the vector table", () => {
    expect(routingBucket("qmc", "wo_0001")).toBe(498);
    expect(routingBucket("qmc", "wo_0003")).toBe(9743);
  });

  it("sends an order whose bucket is below the threshold to NEW", () => {
    expect(routeWorkOrder(base, "wo_0001")).toEqual({
      system: "NEW",
      shadow: false,
      bucket: 498,
      thresholdBasisPoints: 1000,
      reason: "in-rollout",
    });
  });

  it("keeps an order at or above the threshold on LEGACY", () => {
    expect(routeWorkOrder(base, "wo_0003")).toEqual({
      system: "LEGACY",
      shadow: false,
      bucket: 9743,
      thresholdBasisPoints: 1000,
      reason: "outside-rollout",
    });
  });

  it("is a strict less-than: bucket 498 is NEW at 4.99 % but LEGACY at 4.98 %", () => {
    expect(routeWorkOrder({ ...base, newQueueRolloutPercent: 4.99 }, "wo_0001").system).toBe("NEW");
    expect(routeWorkOrder({ ...base, newQueueRolloutPercent: 4.98 }, "wo_0001").system).toBe("LEGACY");
  });

  it("sends everything to LEGACY when the switch is off, whatever the percent", () => {
    const decision = routeWorkOrder(
      { ...base, useNewQueueSystem: false, newQueueRolloutPercent: 100 },
      "wo_0001",
    );
    expect(decision).toEqual({
      system: "LEGACY",
      shadow: false,
      bucket: 498,
      thresholdBasisPoints: 0,
      reason: "switch-off",
    });
  });

  it("shadows only orders routed to LEGACY, and only in shadow mode", () => {
    const shadowOn = { ...base, shadowMode: true };
    expect(routeWorkOrder(shadowOn, "wo_0003").shadow).toBe(true);
    expect(routeWorkOrder(shadowOn, "wo_0001").shadow).toBe(false);
    expect(routeWorkOrder({ ...shadowOn, useNewQueueSystem: false }, "wo_0001").shadow).toBe(true);
    expect(routeWorkOrder(base, "wo_0003").shadow).toBe(false);
  });

  it("sends everything to NEW once legacy is retired, even with the switch off", () => {
    const retired = { ...base, legacyRetired: true, useNewQueueSystem: false, shadowMode: true };
    expect(routeWorkOrder(retired, "wo_0003")).toEqual({
      system: "NEW",
      shadow: false,
      bucket: 9743,
      thresholdBasisPoints: 10000,
      reason: "legacy-retired",
    });
  });

  it("refuses a config with an invalid percent rather than guessing", () => {
    expect(() => routeWorkOrder({ ...base, newQueueRolloutPercent: 150 }, "wo_0001")).toThrow(
      "outside 0–100",
    );
  });
});
