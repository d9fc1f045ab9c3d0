import { SyntheticPayloadSchema } from "@qmc/core";
import { describe, expect, it } from "vitest";
import { runSynthetic } from "./synthetic-runner.ts";

const LIMIT = 1024;
const payload = (fields: Record<string, unknown>) => SyntheticPayloadSchema.parse(fields);

describe("runSynthetic", () => {
  it("runs its planned duration and exits with the planned output", async () => {
    const run = await runSynthetic(
      "order-1",
      1,
      payload({ durationMs: 30, outputBytes: 5 }),
      new AbortController().signal,
      1_000,
      LIMIT,
    );
    expect(run.termination).toBe("exited");
    expect(run.exitCode).toBe(0);
    expect(run.outputBytes).toBe(5);
    expect(run.durationMs).toBeGreaterThanOrEqual(25);
  });

  it("ends at its timeout, not at its planned duration, when the plan outlasts the timeout", async () => {
    const started = performance.now();
    const run = await runSynthetic(
      "order-2",
      1,
      payload({ durationMs: 5_000 }),
      new AbortController().signal,
      60,
      LIMIT,
    );
    const elapsed = performance.now() - started;
    expect(run.termination).toBe("timeout");
    expect(run.exitCode).toBeNull();
    expect(run.output).toBe("");
    expect(elapsed).toBeGreaterThanOrEqual(55);
    expect(elapsed).toBeLessThan(1_000);
  });

  it("ends cancelled as soon as its signal aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort("cancel"), 30);
    const started = performance.now();
    const run = await runSynthetic(
      "order-3",
      1,
      payload({ durationMs: 5_000 }),
      controller.signal,
      10_000,
      LIMIT,
    );
    expect(run.termination).toBe("cancelled");
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("ends cancelled without running when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort("cancel");
    const run = await runSynthetic(
      "order-4",
      1,
      payload({ durationMs: 0 }),
      controller.signal,
      10_000,
      LIMIT,
    );
    expect(run.termination).toBe("cancelled");
  });
});
