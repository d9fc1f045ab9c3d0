import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { QueueEngine } from "../queue-engine.ts";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { guardKeys } from "./guard-keys.ts";
import { leaseHolder } from "./guard-lease.ts";
import type { GuardRunner } from "./guard-runner.ts";
import { readLastEvaluation } from "./last-evaluation.ts";
import { updateThresholdSetting } from "./threshold-store.ts";

/** The guard inside real engines: the lease, memory commands, and queue depth from BullMQ. */
let h: EngineHarness;
const admin = { actor: "admin@example.com", reason: "test settings" };
const GUARD = { intervalMs: 200 };

beforeAll(async () => {
  h = await createEngineHarness("guard_runner", 10);
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.db.prisma.gateDecision.deleteMany();
  await h.db.prisma.thresholdSetting.deleteMany();
  await h.db.prisma.queueDepthSample.deleteMany();
});

function guardOf(engine: QueueEngine): GuardRunner {
  if (!engine.guard) throw new Error("engine runs no guard");
  return engine.guard;
}

/** Resolves once `runner` has made `n` more evaluations. */
function evaluations(runner: GuardRunner, n: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const listener = () => {
      if (++seen < n) return;
      runner.off("evaluated", listener);
      resolve();
    };
    runner.on("evaluated", listener);
  });
}

describe("one evaluator however many workers run", () => {
  it("only the lease holder evaluates; when it stops, another takes over", async () => {
    const a = await h.startEngine({ workerId: "lease-a", guard: GUARD });
    const b = await h.startEngine({ workerId: "lease-b", guard: GUARD });
    const [ga, gb] = [guardOf(a), guardOf(b)];
    const leader = ga.isLeader ? ga : gb;
    const follower = leader === ga ? gb : ga;
    await evaluations(leader, 10);
    expect([ga.isLeader, gb.isLeader].filter(Boolean)).toHaveLength(1);
    expect(follower.evaluations).toBe(0);
    const leaderId = leader === ga ? "lease-a" : "lease-b";
    expect(await leaseHolder(h.redis, guardKeys(h.prefix).lease)).toBe(leaderId);
    expect((await readLastEvaluation(h.redis, h.prefix))?.workerId).toBe(leaderId);

    await (leader === ga ? a : b).stop(2_000);
    const takenOver = Date.now();
    await evaluations(follower, 1);
    expect(Date.now() - takenOver).toBeLessThan(2 * 3 * GUARD.intervalMs + 1_000);
    expect(follower.isLeader).toBe(true);
    expect((await readLastEvaluation(h.redis, h.prefix))?.workerId).toBe(
      leaderId === "lease-a" ? "lease-b" : "lease-a",
    );
    await (follower === ga ? a : b).stop(2_000);
  });
});

describe("memory", () => {
  it("above 90 % lowers that worker's concurrency; below 80 % held for the hold time restores it", async () => {
    await updateThresholdSetting(h.db.prisma, "MEMORY_USAGE", { holdSeconds: 1 }, admin);
    let memory = 0.5;
    const engine = await h.startEngine({
      workerId: "memory-a",
      newSystemSlots: 8,
      readMemoryRatio: () => memory,
      guard: GUARD,
    });
    const runner = guardOf(engine);
    await evaluations(runner, 2);
    expect(await h.db.prisma.gateDecision.count()).toBe(0);

    memory = 0.95;
    await expect
      .poll(() => h.db.prisma.gateDecision.findMany({ where: { metric: "MEMORY_USAGE" } }), {
        timeout: 5_000,
      })
      .toMatchObject([{ subject: "memory-a", action: "REDUCE_CONCURRENCY", status: "OPEN", value: 0.95 }]);
    await expect.poll(() => engine.capacity().concurrencyLimit, { timeout: 5_000 }).toBe(4);
    const heartbeat = await h.db.prisma.workerHeartbeat.findUniqueOrThrow({
      where: { workerId: "memory-a" },
    });
    expect(heartbeat).toMatchObject({ slotsTotal: 8, memoryUsedRatio: 0.95 });

    // Between the restore level and the limit: concurrency stays reduced (hysteresis).
    memory = 0.85;
    await evaluations(runner, 8);
    expect(engine.capacity().concurrencyLimit).toBe(4);

    memory = 0.5;
    const below = Date.now();
    await expect
      .poll(() => h.db.prisma.gateDecision.findFirstOrThrow({ where: { metric: "MEMORY_USAGE" } }), {
        timeout: 5_000,
      })
      .toMatchObject({
        status: "RESOLVED",
        resolution: expect.stringContaining("stayed below 80.00 % for 1 s"),
      });
    const resolved = await h.db.prisma.gateDecision.findFirstOrThrow({ where: { metric: "MEMORY_USAGE" } });
    expect((resolved.resolvedAt?.getTime() ?? 0) - below).toBeGreaterThanOrEqual(1_000);
    await expect.poll(() => engine.capacity().concurrencyLimit, { timeout: 2_000 }).toBe(8);
    expect(await h.db.prisma.gateDecision.count()).toBe(1);
    await engine.stop(2_000);
  });
});

describe("queue depth", () => {
  it("a stopped new-system scheduler with incoming orders raises the depth alert, which resolves once it drains", async () => {
    await updateThresholdSetting(h.db.prisma, "QUEUE_DEPTH_GROWTH", { windowSeconds: 20 }, admin);
    // This worker runs legacy only: nothing takes the new system's jobs.
    const engine = await h.startEngine({ workerId: "depth-a", systems: ["LEGACY"], guard: GUARD });
    const submitting = (async () => {
      for (let i = 0; i < 200; i++) {
        if ((await h.db.prisma.gateDecision.count()) > 0) return;
        await h.submitter.submit({ kind: "synthetic", payload: {}, system: "NEW", actor: "t" });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await expect
      .poll(() => h.db.prisma.gateDecision.findMany(), { timeout: 20_000, interval: 200 })
      .toMatchObject([{ metric: "QUEUE_DEPTH_GROWTH", subject: "NEW", action: "ALERT", status: "OPEN" }]);
    await submitting;
    const [alert] = await h.db.prisma.gateDecision.findMany();
    expect(alert?.value).toBeGreaterThan(10);
    expect(alert?.explanation).toMatch(/Queue depth of the new system trends \+[0-9.]+ orders\/min/);

    // A new-system worker drains the queue: the depth falls and the alert resolves by itself.
    const drainer = await h.startEngine({ workerId: "depth-b", systems: ["NEW"] });
    await expect
      .poll(() => h.db.prisma.gateDecision.findFirstOrThrow({ where: { id: alert?.id } }), {
        timeout: 25_000,
        interval: 250,
      })
      .toMatchObject({ status: "RESOLVED" });
    await engine.stop(2_000);
    await drainer.stop(2_000);
  }, 60_000);
});
