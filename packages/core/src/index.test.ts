import { describe, expect, it } from "vitest";
import * as core from "./index.ts";

describe("public API", () => {
  it.each([
    "DomainError",
    "isDomainError",
    "WORK_ORDER_STATES",
    "TERMINAL_STATES",
    "isTerminalState",
    "WORK_ORDER_EVENTS",
    "validEvents",
    "planTransition",
    "LEGACY_STATUSES",
    "parseLegacyStatus",
    "legacyStatusToState",
    "nextLegacyStatuses",
    "ROUTING_BUCKET_COUNT",
    "routingBucket",
    "rolloutPercentToBasisPoints",
    "assertValidRolloutPercent",
    "routeWorkOrder",
    "QUEUE_SYSTEMS",
    "DEFAULT_RETRY_POLICY",
    "assertValidRetryPolicy",
    "ERROR_CLASSES",
    "RETRYABLE_ERROR_CLASSES",
    "backoffDelayMs",
    "decideRetry",
    "THRESHOLD_METRICS",
    "DEFAULT_THRESHOLDS",
    "MEMORY_RESTORE_BELOW",
    "evaluateThresholds",
    "assertValidThresholdSetting",
    "compareOutcomes",
    "DEFAULT_DURATION_TOLERANCE",
  ])("exports %s", (name) => {
    expect(core).toHaveProperty(name);
    expect((core as Record<string, unknown>)[name]).toBeDefined();
  });

  it("wires the pieces together: a failed run is retried through the state machine", () => {
    const decision = core.decideRetry({
      policy: core.DEFAULT_RETRY_POLICY,
      attempt: 1,
      errorClass: "CRASH",
      now: new Date(0),
      random: () => 0.5,
      cancelRequested: false,
    });
    const outcome = decision.type === "retry" ? "retry" : "fail";
    expect(core.planTransition("RUNNING", "FAIL", outcome).to).toBe("WAITING_RETRY");
    expect(core.planTransition("WAITING_RETRY", "RETRY").to).toBe("PENDING");
  });
});
