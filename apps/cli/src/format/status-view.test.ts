import type { RouterOutputs } from "@qmc/api";
import { describe, expect, it } from "vitest";
import { depthsLine, routingLine, workersLine } from "./status-view.ts";

type Config = RouterOutputs["rollout"]["get"];
const config: Config = {
  version: 17,
  useNewQueueSystem: true,
  shadowMode: false,
  newQueueRolloutPercent: 0.01,
  salt: null,
  paused: false,
  pausedReason: null,
  legacyRetired: false,
  actor: "alice@example.com",
  reason: "canary",
  createdAt: new Date("2026-12-07T10:00:00Z"),
};

describe("status lines", () => {
  it("counts unfinished orders per system, grouped by thousands", () => {
    const depths = {
      jobs: { LEGACY: {}, NEW: {} },
      orders: {
        LEGACY: { queued: 12_345, building: 1, running: 2, completed: 99_999 },
        NEW: { PENDING: 40, PREPARING: 3, RUNNING: 5, WAITING_RETRY: 2, FAILED: 7 },
      },
    };
    expect(depthsLine(depths, config)).toBe(
      "legacy 12,345 waiting · 3 running   new 40 waiting · 8 running · 2 retrying",
    );
    expect(depthsLine(depths, { ...config, legacyRetired: true })).toMatch(/^legacy retired {3}new 40/);
  });

  it("says where new orders go in each switch position", () => {
    expect(routingLine(config)).toBe("new system ON · 0.01 % to new · shadow off");
    expect(
      routingLine({ ...config, useNewQueueSystem: false, newQueueRolloutPercent: 0, shadowMode: true }),
    ).toBe("new system OFF · every order to legacy · shadow on");
    expect(routingLine({ ...config, legacyRetired: true })).toBe(
      "legacy retired · every order to the new system",
    );
  });

  it("names the live workers and cuts a long list", () => {
    const worker = (workerId: string, alive = true) =>
      ({ workerId, alive }) as RouterOutputs["system"]["workers"][number];
    expect(workersLine([])).toMatch(/^none alive/);
    expect(workersLine(["e", "d", "c", "b", "a", "gone"].map((id) => worker(id, id !== "gone")))).toBe(
      "5 alive (a, b, c, d, +1 more)",
    );
  });
});
