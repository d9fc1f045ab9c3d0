import { type MetricStream, RollupAccumulator } from "@qmc/core";
import { connectRedis, createRedisConnection, type Redis } from "@qmc/transport";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LiveConfig } from "../config/live-config.ts";
import { writeRollups } from "../metrics/rollup-store.ts";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import type { DecisionInputs } from "./decision-inputs.ts";
import { GuardEvaluator } from "./guard-evaluator.ts";
import { readLastEvaluation } from "./last-evaluation.ts";
import { updateThresholdSetting } from "./threshold-store.ts";

/**
 * At 100 % legacy finishes nothing: the p99 rule compares with the last legacy window that had
 * the minimum sample (real Postgres and Redis; rollups written as the metrics writer writes them).
 */
let h: EngineHarness;
let config: LiveConfig;
let redis: Redis;
let guard: GuardEvaluator;
const admin = { actor: "admin@example.com", reason: "at 100 %" };

beforeAll(async () => {
  h = await createEngineHarness("guard_p99_baseline");
  redis = await connectRedis(h.redisUrl, "producer");
  config = new LiveConfig(
    h.db.prisma,
    createRedisConnection(h.redisUrl, "subscriber"),
    redis,
    h.prefix,
    h.resources.logger,
  );
  await config.start();
  await config.change({ useNewQueueSystem: true, newQueueRolloutPercent: 100 }, admin);
  await updateThresholdSetting(h.db.prisma, "P99_LATENCY_RATIO", { minSample: 20 }, admin);
});
afterAll(async () => {
  await config.stop();
  redis.disconnect();
  await h.close();
});
beforeEach(async () => {
  await h.db.prisma.metricRollup.deleteMany();
  await h.db.prisma.gateDecision.deleteMany();
  // Each test its own evaluator: the baseline reader keeps what it found for a minute.
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

/** `completed` orders of `stream` finished `minutesAgo` minutes ago, each after `endToEndMs`. */
async function finished(stream: MetricStream, completed: number, endToEndMs: number, minutesAgo = 0) {
  const acc = new RollupAccumulator();
  const at = Date.now() - minutesAgo * 60_000;
  for (let i = 0; i < completed; i++)
    acc.record(stream, { type: "completed", runTimeMs: endToEndMs, endToEndMs }, at);
  await writeRollups(h.db.prisma, `worker:${stream}`, acc.snapshot(at));
}

async function p99Evaluation() {
  const last = await readLastEvaluation(redis, h.prefix);
  const e = last?.evaluations.find((x) => x.metric === "P99_LATENCY_RATIO");
  if (!e) throw new Error("no p99 evaluation");
  return e;
}

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

describe("the p99 rule after legacy traffic ended", () => {
  it("compares with the last legacy window that had the minimum sample, and says which and how old", async () => {
    await finished("LEGACY", 30, 100, 20);
    await finished("NEW", 30, 150);
    await guard.evaluateOnce();
    const e = await p99Evaluation();
    expect(e).toMatchObject({ status: "ok", sampleSize: 30 });
    expect(e.value).toBeGreaterThan(1.2);
    const legacyMinute = Math.floor((Date.now() - 20 * 60_000) / 60_000) * 60_000;
    // The window ended 19 minutes and some seconds ago.
    expect(e.explanation).toMatch(
      new RegExp(
        `measured ${hhmm(legacyMinute - 4 * 60_000)}–${hhmm(legacyMinute + 60_000)} UTC, (19|20) min ago`,
      ),
    );
    expect(e.values).toMatchObject({
      legacyFinished: 0,
      legacyBaseline: { finished: 30, from: new Date(legacyMinute - 4 * 60_000).toISOString() },
    });
  });

  it("alerts against that baseline, storing it with the decision", async () => {
    await finished("LEGACY", 30, 100, 12);
    await finished("NEW", 30, 400);
    await guard.evaluateOnce();
    const [alert] = await h.db.prisma.gateDecision.findMany();
    expect(alert).toMatchObject({ metric: "P99_LATENCY_RATIO", action: "ALERT", status: "OPEN" });
    const inputs = alert?.inputs as unknown as DecisionInputs;
    expect(inputs.values).toMatchObject({ legacyBaseline: { finished: 30 } });
    expect(inputs.explanation).toMatch(/, 1[12] min ago \(legacy finished 0 orders in the last 300 s/);
  });

  it("stays 'not enough data' when legacy never had the minimum sample, and says so", async () => {
    await finished("LEGACY", 5, 100, 20);
    await finished("NEW", 30, 150);
    await guard.evaluateOnce();
    const e = await p99Evaluation();
    expect(e.status).toBe("insufficient-data");
    expect(e.explanation).toContain("no earlier legacy window had enough");
  });
});
