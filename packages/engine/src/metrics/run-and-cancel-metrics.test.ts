import type { MetricStream, OrderMetricEvent } from "@qmc/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBulkResubmit } from "../resubmission/bulk-resubmit.ts";
import { findRun } from "../runs/run-store.ts";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { pollUntil } from "../testing/order-history.ts";
import { cancelWorkOrder } from "../work-orders/cancel.ts";
import type { OrderMetrics } from "./order-metrics.ts";

/** The two paths outside the executor that make orders: an operator's cancel and a bulk run. */
let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("run_cancel_metrics");
});
afterAll(() => h.close());

function collecting(): OrderMetrics & { events: Array<[MetricStream, OrderMetricEvent["type"]]> } {
  const events: Array<[MetricStream, OrderMetricEvent["type"]]> = [];
  return { events, record: (stream, event) => events.push([stream, event.type]) };
}

describe("order counts outside the executor", () => {
  it("an operator's cancel of a waiting order counts as cancelled", async () => {
    const order = await h.submitter.submit({ kind: "synthetic", payload: {}, system: "NEW", actor: "t" });
    const metrics = collecting();
    const deps = {
      prisma: h.db.prisma,
      queues: h.queues,
      publisher: h.redis,
      queuePrefix: h.prefix,
      metrics,
    };
    expect(await cancelWorkOrder(deps, order.id, "oncall")).toMatchObject({ outcome: "cancelled" });
    expect(metrics.events).toEqual([["NEW", "cancelled"]]);
  });

  it("a bulk re-submission run counts each order it submits", async () => {
    const originals = await h.submitter.submitMany(
      Array.from({ length: 3 }, (_, i) => ({
        id: `bulk-src-${i}`,
        kind: "synthetic",
        payload: {},
        system: "LEGACY" as const,
        actor: "bulk-test",
      })),
    );
    const upTo = await h.db.prisma.auditEvent.aggregate({ _max: { id: true } });
    const metrics = collecting();
    await h.startEngine({ systems: [] }, { metrics });
    const run = await startBulkResubmit(
      { prisma: h.db.prisma, queues: h.queues, logger: h.resources.logger },
      { filter: { actor: "bulk-test" }, upToId: upTo._max.id ?? 0n, reason: "replay", actor: "oncall" },
    );
    await pollUntil(
      () => findRun(h.db.prisma, run.id),
      (r) => r?.status === "COMPLETED",
    );
    expect(originals).toHaveLength(3);
    expect(metrics.events.filter(([, type]) => type === "submitted")).toHaveLength(3);
  });
});
