import { type MetricStream, RollupAccumulator } from "@qmc/core";
import { connectRedis, createRedisConnection, type Redis } from "@qmc/transport";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { changeConfig } from "../config/config-store.ts";
import { LiveConfig } from "../config/live-config.ts";
import { writeRollups } from "../metrics/rollup-store.ts";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { acknowledgeDecision, resumeRollout } from "./acknowledge.ts";
import type { DecisionInputs } from "./decision-inputs.ts";
import { GuardEvaluator } from "./guard-evaluator.ts";
import { readLastEvaluation } from "./last-evaluation.ts";
import { updateThresholdSetting } from "./threshold-store.ts";

/**
 * The guard's evaluation on real Postgres and Redis, with rollups written as the metrics writer
 * writes them (the rule logic is what is tested here; guard-orders.test.ts runs real orders).
 */
let h: EngineHarness;
let config: LiveConfig;
let redis: Redis;
let guard: GuardEvaluator;
const admin = { actor: "admin@example.com", reason: "tuning" };
const operator = { actor: "operator@example.com", reason: "seen it, the bad deploy is rolled back" };

beforeAll(async () => {
  h = await createEngineHarness("guard_evaluator");
  redis = await connectRedis(h.redisUrl, "producer");
  config = new LiveConfig(
    h.db.prisma,
    createRedisConnection(h.redisUrl, "subscriber"),
    redis,
    h.prefix,
    h.resources.logger,
  );
  await config.start();
  guard = new GuardEvaluator({
    prisma: h.db.prisma,
    redis,
    queues: h.queues,
    liveConfig: config,
    prefix: h.prefix,
    workerId: "evaluator-1",
    intervalMs: 5000,
    workerStaleAfterMs: 60_000,
    logger: h.resources.logger,
    stillLeader: async () => true,
  });
});
afterAll(async () => {
  await config.stop();
  redis.disconnect();
  await h.close();
});
beforeEach(async () => {
  const { prisma } = h.db;
  await prisma.metricRollup.deleteMany();
  await prisma.gateDecision.deleteMany();
  await prisma.thresholdSetting.deleteMany();
  await prisma.queueDepthSample.deleteMany();
  if (config.current().paused) await resumeRollout({ prisma, liveConfig: config }, operator);
  await config.change(
    { useNewQueueSystem: true, newQueueRolloutPercent: 10 },
    { ...admin, reason: "canary" },
  );
});

/** Writes finished orders into this minute's rollups, as a worker's RollupWriter would. */
async function finished(
  stream: MetricStream,
  outcomes: {
    completed?: number;
    failed?: number;
    cancelled?: number;
    retried?: number;
    endToEndMs?: number;
  },
  source = `worker:${stream}`,
) {
  const acc = new RollupAccumulator();
  const now = Date.now();
  const e2e = outcomes.endToEndMs ?? 100;
  for (let i = 0; i < (outcomes.completed ?? 0); i++)
    acc.record(stream, { type: "completed", runTimeMs: e2e, endToEndMs: e2e + (i % 10) }, now);
  for (let i = 0; i < (outcomes.failed ?? 0); i++)
    acc.record(stream, { type: "failed", runTimeMs: e2e, endToEndMs: e2e }, now);
  for (let i = 0; i < (outcomes.cancelled ?? 0); i++)
    acc.record(stream, { type: "cancelled", runTimeMs: null, endToEndMs: e2e }, now);
  for (let i = 0; i < (outcomes.retried ?? 0); i++)
    acc.record(stream, { type: "retried", runTimeMs: e2e }, now);
  await writeRollups(h.db.prisma, source, acc.snapshot(now));
}

const decisions = () => h.db.prisma.gateDecision.findMany({ orderBy: { at: "asc" } });

describe("the error-rate rule", () => {
  it("pauses the rollout in one evaluation at 5 % of 100 finished orders, storing its inputs; an acknowledgement lifts it", async () => {
    await finished("NEW", { completed: 95, failed: 5, cancelled: 7, retried: 11 });
    await guard.evaluateOnce();

    const [pause, ...more] = await decisions();
    expect(more).toEqual([]);
    expect(pause).toMatchObject({
      metric: "ERROR_RATE",
      subject: "NEW",
      action: "PAUSE_ROLLOUT",
      status: "OPEN",
    });
    expect(pause).toMatchObject({ value: 0.05, limit: 0.01, windowSeconds: 300, sampleSize: 100 });
    const inputs = pause?.inputs as unknown as DecisionInputs;
    expect(inputs.values).toMatchObject({
      value: 0.05,
      failed: 5,
      finished: 100,
      completed: 95,
      cancelled: 7,
      retried: 11,
    });
    expect(inputs.values.counted).toBe(
      "finished = completed + failed orders; cancellations excluded; a retried attempt is not a failure",
    );
    expect(inputs.window.seconds).toBe(300);
    expect(
      new Date(inputs.window.to).getTime() - new Date(inputs.window.from).getTime(),
    ).toBeGreaterThanOrEqual(300_000);
    expect(inputs.sample).toEqual({ size: 100, minimum: 100 });
    expect(inputs.threshold).toMatchObject({ metric: "ERROR_RATE", limit: 0.01, action: "PAUSE_ROLLOUT" });
    expect(inputs.action).toBe("PAUSE_ROLLOUT");
    expect(pause?.explanation).toContain("5 failed of 100 finished orders");
    expect(pause?.explanation).toContain("cancellations excluded");

    // Paused through the live config: versioned, audited, with the explanation as its reason.
    expect(config.current()).toMatchObject({ paused: true, pausedReason: pause?.explanation });
    const audit = await h.db.prisma.auditEvent.findMany({
      where: { action: { in: ["guard.pause", "config.pause"] } },
    });
    expect(audit.map((a) => [a.action, a.actor]).sort()).toEqual([
      ["config.pause", "guard:evaluator-1"],
      ["guard.pause", "guard:evaluator-1"],
    ]);

    // Increases and switch-on are refused; decreases and rollback pass.
    await expect(config.change({ newQueueRolloutPercent: 50 }, operator)).rejects.toMatchObject({
      code: "ROLLOUT_PAUSED",
    });
    await config.change({ newQueueRolloutPercent: 5 }, operator);
    await config.change({ useNewQueueSystem: false }, operator);
    await expect(config.change({ useNewQueueSystem: true }, operator)).rejects.toMatchObject({
      code: "ROLLOUT_PAUSED",
    });

    // Level-triggered evaluations act once.
    await guard.evaluateOnce();
    expect(await h.db.prisma.gateDecision.count()).toBe(1);

    const acknowledged = await acknowledgeDecision(
      { prisma: h.db.prisma, liveConfig: config },
      pause?.id ?? "",
      operator,
    );
    expect(acknowledged).toMatchObject({
      status: "ACKNOWLEDGED",
      acknowledgedBy: operator.actor,
      acknowledgedReason: operator.reason,
    });
    expect(config.current().paused).toBe(false);
    await config.change({ useNewQueueSystem: true, newQueueRolloutPercent: 50 }, operator);

    // Still over the limit, but on the failures the operator acknowledged: no new pause for a window.
    await guard.evaluateOnce();
    expect((await decisions()).map((d) => d.status)).toEqual(["ACKNOWLEDGED"]);
    expect(config.current().paused).toBe(false);

    // Recovered: the acknowledged pause resolves by itself.
    await h.db.prisma.metricRollup.deleteMany();
    await finished("NEW", { completed: 200 });
    await guard.evaluateOnce();
    expect(await decisions()).toMatchObject([
      { status: "RESOLVED", resolution: expect.stringMatching(/^Recovered: /) },
    ]);
  });

  it("does not act with 50 finished orders, and says why", async () => {
    await finished("NEW", { completed: 45, failed: 5 });
    const report = await guard.evaluateOnce();
    expect(await h.db.prisma.gateDecision.count()).toBe(0);
    expect(config.current().paused).toBe(false);
    const errorRate = report.evaluations.find((e) => e.metric === "ERROR_RATE");
    expect(errorRate).toMatchObject({
      status: "insufficient-data",
      action: null,
      sampleSize: 50,
      minSample: 100,
    });
    const published = await readLastEvaluation(redis, h.prefix);
    expect(published?.workerId).toBe("evaluator-1");
    expect(published?.evaluations.map((e) => [e.metric, e.status])).toContainEqual([
      "ERROR_RATE",
      "insufficient-data",
    ]);
    expect(published?.evaluations.find((e) => e.metric === "ERROR_RATE")?.explanation).toContain(
      "at least 100",
    );
  });

  it("rollout.resume acknowledges every open pause decision with its reason", async () => {
    await finished("NEW", { completed: 90, failed: 10 });
    await guard.evaluateOnce();
    expect(config.current().paused).toBe(true);
    const resumed = await resumeRollout({ prisma: h.db.prisma, liveConfig: config }, operator);
    expect(resumed.paused).toBe(false);
    expect(await decisions()).toMatchObject([
      { status: "ACKNOWLEDGED", acknowledgedReason: operator.reason },
    ]);
    const [ack] = await h.db.prisma.auditEvent.findMany({ where: { action: "guard.acknowledge" } });
    expect(ack).toMatchObject({
      actor: operator.actor,
      subjectType: "GateDecision",
      reason: operator.reason,
    });
  });
});

describe("alerts", () => {
  it("p99 of the new system at 3 × legacy opens one alert, which resolves by itself when latency recovers", async () => {
    await updateThresholdSetting(h.db.prisma, "P99_LATENCY_RATIO", { minSample: 20 }, admin);
    await finished("LEGACY", { completed: 30, endToEndMs: 100 });
    await finished("NEW", { completed: 30, endToEndMs: 300 });
    await guard.evaluateOnce();
    await guard.evaluateOnce();
    const [alert, ...more] = await decisions();
    expect(more).toEqual([]);
    expect(alert).toMatchObject({
      metric: "P99_LATENCY_RATIO",
      action: "ALERT",
      status: "OPEN",
      sampleSize: 30,
    });
    expect(alert?.value).toBeGreaterThan(2.5);
    expect((alert?.inputs as unknown as DecisionInputs | undefined)?.values).toMatchObject({
      newFinished: 30,
      legacyFinished: 30,
    });
    expect(config.current().paused).toBe(false); // an alert pauses nothing
    expect(
      await h.db.prisma.auditEvent.count({ where: { action: "guard.alert", subjectId: alert?.id } }),
    ).toBe(1);

    await acknowledgeDecision({ prisma: h.db.prisma, liveConfig: config }, alert?.id ?? "", operator);
    await expect(
      acknowledgeDecision({ prisma: h.db.prisma, liveConfig: config }, alert?.id ?? "", operator),
    ).rejects.toMatchObject({ code: "GATE_DECISION_NOT_OPEN" });

    await finished("NEW", { completed: 30, endToEndMs: 100 }); // same source: overwrites the minute
    await guard.evaluateOnce();
    const [resolved] = await decisions();
    expect(resolved).toMatchObject({
      status: "RESOLVED",
      resolution: expect.stringContaining("within the limit"),
    });
    expect(
      await h.db.prisma.auditEvent.count({ where: { action: "guard.alert_resolved", subjectId: alert?.id } }),
    ).toBe(1);
  });

  it("queue depth growing 60 / min over a minute opens the depth alert; its sample rows are written at every evaluation", async () => {
    // No engine runs here: 80 orders wait in the new system's queue, the depth this evaluation reads.
    for (let i = 0; i < 80; i++)
      await h.submitter.submit({ kind: "synthetic", payload: {}, system: "NEW", actor: "t" });
    const now = Date.now();
    await h.db.prisma.queueDepthSample.createMany({
      data: [0, 20, 40, 60].map((ago, i) => ({
        system: "NEW" as const,
        at: new Date(now - (60 - ago) * 1000 - 1000),
        waiting: i * 20,
        delayed: 0,
        active: 0,
      })),
    });
    const before = await h.db.prisma.queueDepthSample.count();
    const report = await guard.evaluateOnce();
    expect(await h.db.prisma.queueDepthSample.count()).toBe(before + 2); // one per system
    const depth = report.evaluations.find((e) => e.metric === "QUEUE_DEPTH_GROWTH");
    expect(depth?.status).toBe("breached");
    expect(await decisions()).toMatchObject([
      { metric: "QUEUE_DEPTH_GROWTH", action: "ALERT", status: "OPEN" },
    ]);
    const [newSample] = await h.db.prisma.queueDepthSample.findMany({
      where: { system: "NEW" },
      orderBy: { at: "desc" },
      take: 1,
    });
    expect(newSample?.waiting).toBe(80);
    await h.queues.newSystem.obliterate({ force: true });
  });
});

describe("threshold settings", () => {
  it("are validated and audited with before and after", async () => {
    await expect(
      updateThresholdSetting(h.db.prisma, "ERROR_RATE", { limit: 2, windowSeconds: 10 }, admin),
    ).rejects.toMatchObject({
      code: "INVALID_THRESHOLD",
      details: { problems: expect.arrayContaining([expect.stringContaining("limit")]) },
    });
    await expect(
      updateThresholdSetting(h.db.prisma, "ERROR_RATE", { limit: 0.02 }, { ...admin, reason: " " }),
    ).rejects.toMatchObject({
      code: "REASON_REQUIRED",
    });
    const updated = await updateThresholdSetting(h.db.prisma, "ERROR_RATE", { limit: 0.02 }, admin);
    expect(updated).toMatchObject({
      metric: "ERROR_RATE",
      limit: 0.02,
      minSample: 100,
      updatedBy: admin.actor,
    });
    const [event] = await h.db.prisma.auditEvent.findMany({
      where: { action: "threshold.update" },
      orderBy: { id: "desc" },
      take: 1,
    });
    expect(event).toMatchObject({
      subjectId: "ERROR_RATE",
      reason: admin.reason,
      before: { limit: 0.01 },
      after: { limit: 0.02 },
    });

    // The guard uses it at its next evaluation: 1.5 % is now within the limit.
    await finished("NEW", { completed: 197, failed: 3 });
    await guard.evaluateOnce();
    expect(await h.db.prisma.gateDecision.count()).toBe(0);
  });
});

describe("config writes", () => {
  it("commit a pause's decision with its config version or not at all", async () => {
    const version = config.current().version;
    await expect(
      changeConfig(
        h.db.prisma,
        { paused: true, pausedReason: "x" },
        {
          ...admin,
          inTransaction: async () => {
            throw new Error("decision write failed");
          },
        },
      ),
    ).rejects.toThrow("decision write failed");
    expect((await h.db.prisma.queueConfig.findFirstOrThrow({ orderBy: { version: "desc" } })).version).toBe(
      version,
    );
  });
});
