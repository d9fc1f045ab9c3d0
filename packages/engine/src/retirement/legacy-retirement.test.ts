import { connectRedis, createRedisConnection } from "@qmc/transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveConfig } from "../config/live-config.ts";
import { createEngineHarness, type EngineHarness, waitForTerminal } from "../testing/engine-harness.ts";
import { legacyHistory } from "../testing/order-history.ts";
import { checkRetirement, retireLegacy, unretireLegacy } from "./legacy-retirement.ts";

let h: EngineHarness;
let config: LiveConfig;
const who = { actor: "admin@example.com", reason: "phase 4" };

beforeAll(async () => {
  h = await createEngineHarness("retirement");
  const subscriber = createRedisConnection(h.redisUrl, "subscriber");
  const publisher = await connectRedis(h.redisUrl, "producer");
  config = new LiveConfig(h.db.prisma, subscriber, publisher, h.prefix, h.resources.logger);
  await config.start();
});
afterAll(async () => {
  await config.stop();
  await h.close();
});

describe("legacy retirement", () => {
  it("lists every unmet condition, then retires, and the legacy queue is paused for every worker until it is undone", async () => {
    const engine = await h.startEngine();
    const open = await h.db.prisma.gateDecision.create({
      data: {
        metric: "ERROR_RATE",
        subject: "NEW",
        limit: 0.01,
        windowSeconds: 300,
        sampleSize: 100,
        action: "PAUSE_ROLLOUT",
        inputs: {},
        explanation: "x",
      },
    });
    const blocked = await checkRetirement(h.db.prisma, config.current());
    expect(blocked.blockers).toEqual([
      "the new queue system is switched off",
      "the rollout is at 0 %, not 100 %",
      "1 health alert(s) not resolved: ERROR_RATE on NEW (open)",
    ]);
    await expect(retireLegacy(h.db.prisma, config, who)).rejects.toMatchObject({
      code: "RETIREMENT_BLOCKED",
    });
    // Acknowledged is not resolved: someone is looking, the value has not recovered.
    await h.db.prisma.gateDecision.update({ where: { id: open.id }, data: { status: "ACKNOWLEDGED" } });
    expect((await checkRetirement(h.db.prisma, config.current())).blockers).toContain(
      "1 health alert(s) not resolved: ERROR_RATE on NEW (acknowledged)",
    );

    await h.db.prisma.gateDecision.update({ where: { id: open.id }, data: { status: "RESOLVED" } });
    await config.change(
      { useNewQueueSystem: true, newQueueRolloutPercent: 100 },
      { ...who, reason: "all in" },
    );
    // Retired through the config alone: the worker, seeing it, pauses the legacy queue in Redis,
    // the decision every legacy worker obeys (one starting later included).
    expect(await h.queues.legacy.isPaused()).toBe(false);
    const retired = await retireLegacy(h.db.prisma, config, who);
    expect(retired.legacyRetired).toBe(true);
    await expect.poll(() => h.queues.legacy.isPaused(), { timeout: 2000 }).toBe(true);
    expect(engine.liveConfig.current().legacyRetired).toBe(true);

    // A straggler pushed straight onto the legacy queue is parked in the paused queue, where no
    // worker can take it: its job waits and legacy never touched the order.
    const straggler = await h.submitter.submit({
      kind: "synthetic",
      payload: {},
      system: "LEGACY",
      actor: "t",
    });
    expect(["waiting", "prioritized"]).toContain(await h.queues.legacy.getJobState(straggler.id));
    expect(await h.queues.legacy.getJobCounts("active")).toEqual({ active: 0 });
    expect(await legacyHistory(h.db, straggler.id)).toEqual(["queued"]);

    // Undone through the config alone too: the worker resumes the queue and legacy runs it.
    await unretireLegacy(config, { ...who, reason: "undo" });
    await expect.poll(() => h.queues.legacy.isPaused(), { timeout: 2000 }).toBe(false);
    await waitForTerminal(h.db, [straggler.id], 10_000);
    expect(
      (await h.db.prisma.legacyWorkOrder.findUniqueOrThrow({ where: { id: straggler.id } })).status,
    ).toBe("completed");
  }, 30_000);
});
