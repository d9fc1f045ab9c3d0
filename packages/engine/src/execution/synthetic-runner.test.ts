import { SyntheticPayloadSchema } from "@qmc/core";
import { describe, expect, it } from "vitest";
import { runSynthetic } from "./synthetic-runner.ts";

const LIMIT = 1024;

/** One first attempt of a synthetic order with these payload fields. */
function run(
  seedId: string,
  fields: Record<string, unknown>,
  { signal = new AbortController().signal, timeoutMs = 10_000 } = {},
) {
  return runSynthetic(seedId, 1, SyntheticPayloadSchema.parse(fields), signal, timeoutMs, LIMIT);
}

describe("runSynthetic", () => {
  it("runs its planned duration and exits with the planned output", async () => {
    const result = await run("order-1", { durationMs: 30, outputBytes: 5 }, { timeoutMs: 1_000 });
    expect(result.termination).toBe("exited");
    expect(result.exitCode).toBe(0);
    expect(result.outputBytes).toBe(5);
    expect(result.durationMs).toBeGreaterThanOrEqual(25);
  });

  it("ends at its timeout, not at its planned duration, when the plan outlasts the timeout", async () => {
    const started = performance.now();
    const result = await run("order-2", { durationMs: 5_000 }, { timeoutMs: 60 });
    const elapsed = performance.now() - started;
    expect(result.termination).toBe("timeout");
    expect(result.exitCode).toBeNull();
    expect(result.output).toBe("");
    expect(elapsed).toBeGreaterThanOrEqual(55);
    expect(elapsed).toBeLessThan(1_000);
  });

  it("ends cancelled as soon as its signal aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort("cancel"), 30);
    const started = performance.now();
    const result = await run("order-3", { durationMs: 5_000 }, { signal: controller.signal });
    expect(result.termination).toBe("cancelled");
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("ends cancelled without running when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort("cancel");
    const result = await run("order-4", { durationMs: 0 }, { signal: controller.signal });
    expect(result.termination).toBe("cancelled");
  });
});
