import { routeWorkOrder, toRoutingConfig } from "@qmc/core";
import { connectRedis, createRedisConnection, type Redis } from "@qmc/transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveConfig } from "../config/live-config.ts";
import { createEngineHarness, type EngineHarness, waitForTerminal } from "../testing/engine-harness.ts";
import { QueueManager } from "./queue-manager.ts";

let h: EngineHarness;
const connections: Redis[] = [];
const configs: LiveConfig[] = [];

async function liveConfig(pollMs = 1000): Promise<LiveConfig> {
  const subscriber = createRedisConnection(h.redisUrl, "subscriber");
  const publisher = await connectRedis(h.redisUrl, "producer");
  connections.push(subscriber, publisher);
  const config = new LiveConfig(h.db.prisma, subscriber, publisher, h.prefix, h.resources.logger, { pollMs });
  await config.start();
  configs.push(config);
  return config;
}

beforeAll(async () => {
  h = await createEngineHarness("routing", 10);
});
afterAll(async () => {
  for (const c of configs) await c.stop();
  for (const c of connections) c.disconnect();
  await h.close();
});

const as = { actor: "operator@example.com", reason: "rollout test" };
const synthetic = (n: number) =>
  Array.from({ length: n }, () => ({ kind: "synthetic", payload: {}, actor: "test" }));

describe("QueueManager routing by the live config", () => {
  it("sends the configured share of 2,000 orders to the new system at 0, 10, 50 and 100 %", async () => {
    const config = await liveConfig();
    const manager = new QueueManager(config, h.submitter);
    for (const percent of [0, 10, 50, 100]) {
      await config.change({ useNewQueueSystem: true, newQueueRolloutPercent: percent }, as);
      const routed = await manager.submitMany(synthetic(2000));
      const share = routed.filter((r) => r.system === "NEW").length / routed.length;
      // Binomial: 4 standard deviations of a share over 2,000 orders.
      const tolerance = 4 * Math.sqrt(((percent / 100) * (1 - percent / 100)) / 2000);
      expect(Math.abs(share - percent / 100)).toBeLessThanOrEqual(tolerance);
      // The route is recorded on the order: bucket and config version.
      const sample = routed[0];
      const stored =
        sample?.system === "NEW"
          ? await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id: sample.id } })
          : await h.db.prisma.legacyWorkOrder.findUniqueOrThrow({ where: { id: sample?.id ?? "" } });
      expect(stored).toMatchObject({
        routeBucket: sample?.route.bucket,
        configVersion: config.current().version,
      });
    }
    await h.queues.newSystem.obliterate({ force: true });
    await h.queues.legacy.obliterate({ force: true });
  }, 60_000);

  it("raising 10 → 50 % moves no order from new back to legacy", async () => {
    const config = await liveConfig();
    const manager = new QueueManager(config, h.submitter);
    const at10 = await config.change({ useNewQueueSystem: true, newQueueRolloutPercent: 10 }, as);
    const routed = await manager.submitMany(synthetic(2000));
    const at50 = toRoutingConfig({ ...at10, newQueueRolloutPercent: 50 });
    const movedBack = routed.filter((r) => r.system === "NEW" && routeWorkOrder(at50, r.id).system !== "NEW");
    expect(routed.some((r) => r.system === "NEW")).toBe(true);
    expect(movedBack).toEqual([]);
  }, 30_000);

  it("with the switch off every order goes to legacy, whatever the percent", async () => {
    const config = await liveConfig();
    await config.change({ useNewQueueSystem: false, newQueueRolloutPercent: 100 }, as);
    const routed = await new QueueManager(config, h.submitter).submitMany(synthetic(500));
    expect(routed.every((r) => r.system === "LEGACY" && r.route.reason === "switch-off")).toBe(true);
  });

  it("a rollback made in one process is obeyed by another process's next submission within 2 s", async () => {
    const a = await liveConfig();
    const b = await liveConfig();
    await a.change({ useNewQueueSystem: true, newQueueRolloutPercent: 100 }, as);
    await expect.poll(() => b.current().useNewQueueSystem, { timeout: 2000 }).toBe(true);
    const started = Date.now();
    const rollback = await a.change(
      { useNewQueueSystem: false },
      { ...as, reason: "error rate", action: "config.rollback" },
    );
    await expect.poll(() => b.current().version, { timeout: 2000, interval: 20 }).toBe(rollback.version);
    expect(Date.now() - started).toBeLessThan(2000);
    const next = await new QueueManager(b, h.submitter).submit({
      kind: "synthetic",
      payload: {},
      actor: "t",
    });
    expect(next.system).toBe("LEGACY");
    const audit = await h.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "config.rollback" } });
    expect(audit).toMatchObject({
      reason: "error rate",
      before: { useNewQueueSystem: true },
      after: { useNewQueueSystem: false },
    });
  });

  it("a process that missed the message catches up from the version number within 2 s", async () => {
    const a = await liveConfig();
    const deaf = await liveConfig();
    // Simulate a lost message: this process's subscription is gone.
    await (deaf as unknown as { unsubscribe: () => Promise<void> }).unsubscribe();
    const changed = await a.change({ shadowMode: true }, as);
    await expect.poll(() => deaf.current().version, { timeout: 2000, interval: 20 }).toBe(changed.version);
  });

  it("refuses a change without a reason or with a bad percent, writing nothing", async () => {
    const config = await liveConfig();
    const before = await h.db.prisma.queueConfig.count();
    await expect(config.change({ newQueueRolloutPercent: 20 }, { ...as, reason: " " })).rejects.toMatchObject(
      {
        code: "REASON_REQUIRED",
      },
    );
    await expect(config.change({ newQueueRolloutPercent: 101 }, as)).rejects.toMatchObject({
      code: "INVALID_ROLLOUT_PERCENT",
    });
    expect(await h.db.prisma.queueConfig.count()).toBe(before);
  });
});

describe("shadow mode", () => {
  it("runs every legacy-routed order as a shadow, compares both outcomes, and flags a difference", async () => {
    const config = await liveConfig();
    await config.change({ useNewQueueSystem: false, shadowMode: true }, as);
    const manager = new QueueManager(config, h.submitter);
    const routed = await manager.submitMany(
      Array.from({ length: 20 }, (_, i) => ({
        kind: "synthetic",
        payload: { durationMs: 5, failureRate: 0.3, outputBytes: 50 + i },
        priority: 10, // ahead of the thousands of orders the routing tests left queued
        actor: "test",
      })),
    );
    const command = await manager.submit({
      kind: "command",
      payload: { command: "echo", args: ["x"] },
      actor: "t",
    });
    expect(command.shadowId).toBeNull(); // side effects: never shadowed
    expect(routed.every((r) => r.system === "LEGACY" && r.shadowId)).toBe(true);

    const engine = await h.startEngine({ shadowCompareIntervalMs: 3_600_000 });
    const ids = routed.flatMap((r) => [r.id, r.shadowId ?? ""]);
    await waitForTerminal(h.db, ids, 30_000);
    // Inject a difference the comparison must catch.
    const tampered = routed[0]?.shadowId ?? "";
    await h.db.prisma.workOrder.update({
      where: { id: tampered },
      data: { outputDigest: "sha256:tampered" },
    });

    expect(await engine.shadowComparator.compareFinished()).toBe(20);
    const comparisons = await h.db.prisma.shadowComparison.findMany({
      where: { legacyWorkOrderId: { in: routed.map((r) => r.id) } },
    });
    expect(comparisons).toHaveLength(20);
    const mismatches = comparisons.filter((c) => c.outcome === "MISMATCH");
    expect(mismatches.map((m) => m.shadowWorkOrderId)).toEqual([tampered]);
    expect(mismatches[0]?.differences).toEqual([
      { field: "outputDigest", legacy: expect.stringMatching(/^sha256:/), shadow: "sha256:tampered" },
    ]);
    // Shadows never count as the order's result, and never retry.
    const shadows = await h.db.prisma.workOrder.findMany({
      where: { id: { in: routed.map((r) => r.shadowId ?? "") } },
    });
    expect(shadows.every((s) => s.role === "SHADOW" && s.maxAttempts === 1)).toBe(true);
    expect(await engine.shadowComparator.compareFinished()).toBe(0);
  }, 60_000);
});
