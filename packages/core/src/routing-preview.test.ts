import { describe, expect, it } from "vitest";
import type { RoutingConfig } from "./routing.ts";
import { previewRouteChange } from "./routing-preview.ts";

const at = (percent: number, overrides: Partial<RoutingConfig> = {}): RoutingConfig => ({
  useNewQueueSystem: true,
  newQueueRolloutPercent: percent,
  shadowMode: false,
  salt: "qmc",
  legacyRetired: false,
  ...overrides,
});

// Buckets under salt "qmc" (vector table): wo_0001 → 498, wo_0002 → 1071, wo_0003 → 9743.
const IDS = ["wo_0001", "wo_0002", "wo_0003"];

describe("previewRouteChange", () => {
  it("counts orders that would move to NEW when the percent rises", () => {
    expect(previewRouteChange(at(0), at(50), IDS)).toEqual({ total: 3, toNew: 2, toLegacy: 0, unchanged: 1 });
  });

  it("counts orders that would move back to LEGACY on rollback", () => {
    expect(previewRouteChange(at(100), at(100, { useNewQueueSystem: false }), IDS)).toEqual({
      total: 3,
      toNew: 0,
      toLegacy: 3,
      unchanged: 0,
    });
  });

  it("reports no change for an identical config and for an empty id list", () => {
    expect(previewRouteChange(at(10), at(10), IDS)).toEqual({
      total: 3,
      toNew: 0,
      toLegacy: 0,
      unchanged: 3,
    });
    expect(previewRouteChange(at(0), at(100), [])).toEqual({ total: 0, toNew: 0, toLegacy: 0, unchanged: 0 });
  });

  it("rejects an invalid proposed percent", () => {
    expect(() => previewRouteChange(at(10), at(10.005), IDS)).toThrow("not a multiple of 0.01");
  });
});
