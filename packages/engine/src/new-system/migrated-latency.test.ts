import { mergeHistograms, quantileMs, streamWindow } from "@qmc/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRollupWindow } from "../metrics/rollup-store.ts";
import { RollupWriter } from "../metrics/rollup-writer.ts";
import { createEngineHarness, type EngineHarness, waitForTerminal } from "../testing/engine-harness.ts";

/**
 * A migrated order's row is created when it moves from legacy; its latency is timed from its
 * original legacy submission, as the operator lived it (a real engine, real Postgres and Redis).
 */
let h: EngineHarness;
let writer: RollupWriter;

beforeAll(async () => {
  h = await createEngineHarness("migrated_latency");
  writer = new RollupWriter(h.db.prisma, {
    source: "worker:m",
    flushMs: 3_600_000,
    logger: h.resources.logger,
  });
  await writer.start();
  await h.startEngine({ workerId: "m", systems: ["NEW"] }, { metrics: writer });
});
afterAll(async () => {
  await writer.stop();
  await h.close();
});

describe("latency of migrated orders", () => {
  it("runs from the original legacy submission, not from the move", async () => {
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    const orders = await h.submitter.submitMany(
      Array.from({ length: 5 }, () => ({
        kind: "synthetic",
        payload: { durationMs: 1 },
        system: "NEW" as const,
        actor: "migration",
        migrated: true,
        originalSubmittedAt: tenMinutesAgo,
      })),
    );
    await waitForTerminal(
      h.db,
      orders.map((o) => o.id),
    );
    await writer.flush();
    const from = new Date(Date.now() - 5 * 60_000);
    const rollups = await readRollupWindow(h.db.prisma, from, new Date(Date.now() + 60_000));
    const newSystem = streamWindow("NEW", rollups, { from, to: new Date() });
    expect(newSystem.completed).toBe(5);
    // Ten minutes and a little: histogram buckets are within ±10 %.
    expect(newSystem.p50LatencyMs).toBeGreaterThan(0.9 * 600_000);
    const queueWait = mergeHistograms(rollups.filter((r) => r.stream === "NEW").map((r) => r.queueWait));
    expect(quantileMs(queueWait, 0.5)).toBeGreaterThan(0.9 * 600_000);
  });
});
