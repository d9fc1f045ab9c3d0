import { routeWorkOrder, toRoutingConfig } from "@qmc/core";
import { connectRedis, createRedisConnection, type Redis } from "@qmc/transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { LiveConfig } from "./live-config.ts";
import { rollBack } from "./rollback.ts";

let h: EngineHarness;
let redis: Redis;
let config: LiveConfig;
const operator = { actor: "operator@example.com", reason: "p99 doubled after the 50 % step" };

beforeAll(async () => {
  h = await createEngineHarness("config_rollback");
  redis = await connectRedis(h.redisUrl, "producer");
  config = new LiveConfig(
    h.db.prisma,
    createRedisConnection(h.redisUrl, "subscriber"),
    redis,
    h.prefix,
    h.resources.logger,
  );
  await config.start();
});
afterAll(async () => {
  await config.stop();
  redis.disconnect();
  await h.close();
});

describe("a rollback", () => {
  it("turns the switch off and the percent to 0 in one version, so switching on again starts at 0 %", async () => {
    await config.change({ useNewQueueSystem: true, newQueueRolloutPercent: 50, shadowMode: true }, operator);
    const rolledBack = await rollBack(config, operator);
    expect(rolledBack).toMatchObject({
      useNewQueueSystem: false,
      newQueueRolloutPercent: 0,
      shadowMode: true,
    });
    const audit = await h.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "config.rollback", subjectId: String(rolledBack.version) },
    });
    expect(audit.before).toMatchObject({ useNewQueueSystem: true, newQueueRolloutPercent: 50 });
    expect(audit.after).toMatchObject({ useNewQueueSystem: false, newQueueRolloutPercent: 0 });

    const onAgain = await config.change({ useNewQueueSystem: true }, { ...operator, reason: "fixed" });
    expect(onAgain.newQueueRolloutPercent).toBe(0);
    const routes = Array.from({ length: 200 }, (_, i) =>
      routeWorkOrder(toRoutingConfig(onAgain), `order-${i}`),
    );
    expect(routes.every((r) => r.system === "LEGACY")).toBe(true);
  });
});
