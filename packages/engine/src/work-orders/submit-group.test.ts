import { type DomainError, isDomainError } from "@qmc/core";
import { createPrismaClient } from "@qmc/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeConfig, type QueueConfigVersion } from "../config/config-store.ts";
import { QueueManager } from "../routing/queue-manager.ts";
import { createEngineHarness, type EngineHarness, waitForTerminal } from "../testing/engine-harness.ts";
import { legacyHistory, transitionHistory } from "../testing/order-history.ts";
import { WorkOrderSubmitter } from "./submit.ts";

let h: EngineHarness;
let config: QueueConfigVersion;
const live = { current: () => config };

beforeAll(async () => {
  h = await createEngineHarness("submit-group", 10);
  // Half the orders to each system, and a shadow copy of every legacy one: all three row shapes.
  config = await changeConfig(
    h.db.prisma,
    { useNewQueueSystem: true, newQueueRolloutPercent: 50, shadowMode: true },
    { actor: "test", reason: "both systems and shadows" },
  );
});
afterAll(() => h.close());

const order = (n = 0) => ({ kind: "synthetic", payload: { durationMs: n }, actor: "producer" });

async function failureOf(call: Promise<unknown>): Promise<DomainError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isDomainError(error)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe("SubmitGroup (group commit of submissions)", () => {
  it("writes 200 concurrent submits in far fewer statements, each order with its whole first history", async () => {
    const manager = new QueueManager(live, h.submitter);
    const routed = await Promise.all(
      Array.from({ length: 200 }, (_, i) => manager.producer.submitOne(order(i))),
    );
    const stats = manager.producer.stats;
    expect(stats.requests).toBe(200);
    expect(stats.groups).toBeLessThanOrEqual(20);
    const legacy = routed.filter((r) => r.system === "LEGACY");
    expect(legacy.length).toBeGreaterThan(40);
    expect(routed.length - legacy.length).toBeGreaterThan(40);
    expect(legacy.every((r) => r.shadowId !== null)).toBe(true);
    expect(stats.orders).toBe(200 + legacy.length);
    for (const r of routed.slice(0, 40)) {
      if (r.system === "NEW") expect(await transitionHistory(h.db, r.id)).toEqual(["SUBMIT→PENDING"]);
      else expect(await legacyHistory(h.db, r.id)).toEqual(["queued"]);
      const stored = await h.db.prisma.auditEvent.findFirstOrThrow({ where: { subjectId: r.id } });
      expect(stored).toMatchObject({ action: "work_order.submit", actor: "producer" });
      expect(stored.after).toMatchObject({ system: r.system, route: { configVersion: config.version } });
      expect(await h.queues.of(r.system).getJob(r.id)).toBeDefined();
      expect(r.enqueued).toBe(true);
    }
    const shadows = await h.db.prisma.workOrder.count({
      where: { shadowOfId: { in: legacy.map((r) => r.id) } },
    });
    expect(shadows).toBe(legacy.length);
  });

  it("fails a request's own bad order alone: the others of its group are written", async () => {
    const manager = new QueueManager(live, h.submitter);
    const results = await Promise.allSettled([
      manager.producer.submitOne(order(1)),
      manager.producer.submitOne({ kind: "synthetic", payload: { durationMs: "slow" }, actor: "producer" }),
      manager.producer.submitOne(order(2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(((results[1] as PromiseRejectedResult).reason as DomainError).code).toBe("INVALID_PAYLOAD");
  });

  it("writes a multi-order request all or nothing, naming the bad order's index", async () => {
    const manager = new QueueManager(live, h.submitter);
    const before = await h.db.prisma.auditEvent.count();
    const error = await failureOf(
      manager.producer.submit([order(), order(), { kind: "nope", payload: {}, actor: "producer" }]),
    );
    expect(error.code).toBe("UNKNOWN_TASK_KIND");
    expect(error.details).toMatchObject({ index: 2 });
    expect(error.message).toMatch(/^Order #3: /);
    expect(await h.db.prisma.auditEvent.count()).toBe(before);
  });

  it("isolates a row Postgres refuses: only its request fails, its group's others are written", async () => {
    const manager = new QueueManager(live, h.submitter);
    const existing = await manager.producer.submitOne(order());
    const results = await Promise.allSettled([
      manager.producer.submitOne(order(3)),
      manager.producer.submitOne({ ...order(), id: existing.id }), // the primary key is taken
      manager.producer.submitOne(order(4)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: "23505" });
  });

  it("an idempotency key sent 20 times at once makes one order; every answer names it", async () => {
    const manager = new QueueManager(live, h.submitter);
    const key = { scope: "user-1", key: "order-42" };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => manager.producer.submit([order(42)], key)),
    );
    const ids = new Set(answers.map((a) => a.orders[0]?.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    const [id] = [...ids] as string[];
    const made =
      (await h.db.prisma.workOrder.count({ where: { id, role: "PRIMARY" } })) +
      (await h.db.prisma.legacyWorkOrder.count({ where: { id } }));
    expect(made).toBe(1);
    const fresh = answers.find((a) => !a.replayed)?.orders[0];
    for (const a of answers.filter((x) => x.replayed)) {
      expect(a.orders[0]).toMatchObject({ id, system: fresh?.system, shadowId: fresh?.shadowId });
    }
  });

  it("the same key with another body is IDEMPOTENCY_KEY_REUSED and writes nothing; another caller's key is its own", async () => {
    const manager = new QueueManager(live, h.submitter);
    const key = { scope: "user-1", key: "order-43" };
    const first = await manager.producer.submit([order(1)], key);
    const before = await h.db.prisma.auditEvent.count();
    const error = await failureOf(manager.producer.submit([order(2)], key));
    expect(error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await h.db.prisma.auditEvent.count()).toBe(before);
    const other = await manager.producer.submit([order(1)], { scope: "user-2", key: "order-43" });
    expect(other.replayed).toBe(false);
    expect(other.orders[0]?.id).not.toBe(first.orders[0]?.id);
  });

  it("refuses only the requests beyond the queue limit with BACKPRESSURE", async () => {
    const depth = await h.queues.waitingCount("NEW");
    const tight = new WorkOrderSubmitter(
      h.db.prisma,
      h.queues,
      h.resources.commandPolicy,
      h.resources.logger,
      {
        maxQueueDepth: depth + 3,
      },
    );
    const manager = new QueueManager({ current: () => ({ ...config, newQueueRolloutPercent: 100 }) }, tight);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => manager.producer.submitOne(order())),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused.map((r) => (r.reason as DomainError).code)).toEqual(["BACKPRESSURE", "BACKPRESSURE"]);
  });

  it("fails every member with SERVICE_UNAVAILABLE (postgres) when the database does not answer", async () => {
    const gone = createPrismaClient({
      databaseUrl: "postgresql://postgres@127.0.0.1:1/none",
      maxConnections: 2,
    });
    const submitter = new WorkOrderSubmitter(gone, h.queues, h.resources.commandPolicy, h.resources.logger, {
      maxQueueDepth: 10_000,
    });
    const manager = new QueueManager(live, submitter);
    const errors = await Promise.all([1, 2, 3].map((n) => failureOf(manager.producer.submitOne(order(n)))));
    expect(errors.map((e) => [e.code, e.details.service])).toEqual([
      ["SERVICE_UNAVAILABLE", "postgres"],
      ["SERVICE_UNAVAILABLE", "postgres"],
      ["SERVICE_UNAVAILABLE", "postgres"],
    ]);
    await gone.$disconnect();
  });

  it("orders written by the group run to the end in both systems", async () => {
    const engine = await h.startEngine();
    const manager = new QueueManager(live, h.submitter);
    const routed = await Promise.all(Array.from({ length: 30 }, () => manager.producer.submitOne(order())));
    await waitForTerminal(
      h.db,
      routed.map((r) => r.id),
    );
    const newOne = routed.find((r) => r.system === "NEW");
    const legacyOne = routed.find((r) => r.system === "LEGACY");
    expect(await transitionHistory(h.db, newOne?.id ?? "")).toEqual([
      "SUBMIT→PENDING",
      "CLAIM→PREPARING",
      "READY→RUNNING",
      "COMPLETE→COMPLETED",
    ]);
    expect((await legacyHistory(h.db, legacyOne?.id ?? "")).at(-1)).toBe("completed");
    await engine.stop(2_000);
  }, 60_000);
});
