import { createPrismaClient } from "@qmc/db";
import { pollUntil, waitForTerminal } from "@qmc/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../testing/api-harness.ts";
import { closeProducerContext } from "./producer-context.ts";
import { post, type RestAnswer, type ServedRest, serveRest } from "./rest-testing.ts";

let h: ApiHarness;
let rest: ServedRest;
let producer: string;

beforeAll(async () => {
  h = await createApiHarness("rest-submit");
  rest = await serveRest(h.web.services);
  producer = await h.tokenFor("OPERATOR", ["orders:submit"]);
  // Half to each system, shadows of legacy orders: every kind of row the submit path writes.
  await h.web.services.liveConfig.change(
    { useNewQueueSystem: true, newQueueRolloutPercent: 50, shadowMode: true },
    { actor: "test", reason: "both systems" },
  );
});
afterAll(async () => {
  await rest.close();
  await closeProducerContext(h.web.services);
  await h.close();
});

const order = (durationMs = 0) => ({ kind: "synthetic", payload: { durationMs } });

async function rowCounts() {
  const p = h.engine.db.prisma;
  return {
    orders: await p.workOrder.count(),
    legacy: await p.legacyWorkOrder.count(),
    audits: await p.auditEvent.count(),
    keys: await p.idempotencyKey.count(),
  };
}

describe("POST /api/v1/work-orders", () => {
  it("submits one order (201) that the worker runs to the end with its whole history", async () => {
    const engine = await h.engine.startEngine();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        post(rest.origin, "/api/v1/work-orders", order(), { token: producer }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(201));
    const orders = answers.map(
      (a) => a.body as { id: string; system: "NEW" | "LEGACY"; shadowId: string | null },
    );
    expect(answers[0]?.body).toEqual({
      id: expect.any(String),
      system: expect.stringMatching(/^(NEW|LEGACY)$/),
      shadowId: orders[0]?.system === "LEGACY" ? expect.any(String) : null,
      configVersion: h.web.services.liveConfig.current().version,
    });
    await waitForTerminal(
      h.engine.db,
      orders.map((o) => o.id),
    );
    for (const o of orders) {
      const audit = await h.engine.db.prisma.auditEvent.findFirstOrThrow({
        where: { subjectId: o.id, action: "work_order.submit" },
      });
      expect(audit.actor).toMatch(/^operator-\d+@example\.com$/);
      if (o.system === "NEW") {
        const transitions = await h.engine.db.prisma.stateTransition.findMany({
          where: { workOrderId: o.id },
          orderBy: { id: "asc" },
        });
        expect(transitions.map((t) => t.toState)).toEqual(["PENDING", "PREPARING", "RUNNING", "COMPLETED"]);
      } else {
        const changes = await h.engine.db.prisma.legacyStatusChange.findMany({
          where: { workOrderId: o.id },
          orderBy: { id: "asc" },
        });
        expect(changes[0]?.toStatus).toBe("queued");
        expect(changes.at(-1)?.toStatus).toBe("completed");
      }
    }
    await engine.stop(2_000);
  }, 60_000);

  it("200 concurrent submits share a handful of INSERT statements (group commit)", async () => {
    const group = h.web.services.queueManager.producer;
    const before = { ...group.stats };
    // Hold the first groups' statements inside Postgres, so every other request queues meanwhile.
    const admin = createPrismaClient({ databaseUrl: h.engine.db.url, maxConnections: 1 });
    let answers: RestAnswer[] = [];
    await admin.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`lock table "AuditEvent" in access exclusive mode`);
        const sent = Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            post(rest.origin, "/api/v1/work-orders", order(i), { token: producer }),
          ),
        );
        await pollUntil(
          async () => group.load(),
          ({ waiting, writing }) => waiting + writing === 200,
          30_000,
        );
        setTimeout(() => void sent.then((all) => (answers = all)), 0);
      },
      { timeout: 40_000 },
    );
    await pollUntil(
      async () => answers.length,
      (n) => n === 200,
      30_000,
    );
    await admin.$disconnect();
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const after = group.stats;
    expect(after.requests - before.requests).toBe(200);
    // One statement (and one commit) per group: the held ones, then one or two for the rest.
    expect(after.groups - before.groups).toBeLessThanOrEqual(6);
    const ids = answers.map((a) => (a.body as { id: string }).id);
    const made =
      (await h.engine.db.prisma.workOrder.count({ where: { id: { in: ids }, role: "PRIMARY" } })) +
      (await h.engine.db.prisma.legacyWorkOrder.count({ where: { id: { in: ids } } }));
    expect(made).toBe(200);
  }, 90_000);

  it("tRPC's workOrders.submit goes through the same group commit", async () => {
    const before = h.web.services.queueManager.producer.stats.requests;
    const operator = await h.tokenFor("OPERATOR", ["orders:submit"]);
    const routed = await h.client(h.web, operator).workOrders.submit.mutate(order());
    expect(routed.route.configVersion).toBe(h.web.services.liveConfig.current().version);
    expect(h.web.services.queueManager.producer.stats.requests).toBe(before + 1);
  });

  it.each([
    ["no body", "", "INVALID_INPUT", undefined],
    ["a body that is not JSON", "{kind:", "INVALID_INPUT", undefined],
    ["an unknown kind", { kind: "nope", payload: {} }, "UNKNOWN_TASK_KIND", "kind"],
    [
      "a payload failing its schema",
      { kind: "synthetic", payload: { durationMs: "slow" } },
      "INVALID_PAYLOAD",
      "payload",
    ],
    ["a priority out of range", { ...order(), priority: 99 }, "INVALID_INPUT", "priority"],
    ["an unknown field", { ...order(), prority: 3 }, "INVALID_INPUT", undefined],
    [
      "a NUL character in the payload",
      { kind: "synthetic", payload: { "a\u0000": 1 } },
      "INVALID_INPUT",
      "payload.a\u0000",
    ],
    [
      "a command not allowed",
      { kind: "command", payload: { command: "rm", args: ["-rf", "/"] } },
      "COMMAND_NOT_ALLOWED",
      "payload",
    ],
  ])("refuses %s with a typed 4xx naming the field, writing nothing", async (_name, body, code, field) => {
    const before = await rowCounts();
    const answer = await post(rest.origin, "/api/v1/work-orders", body, { token: producer });
    expect(answer.status).toBe(code === "COMMAND_NOT_ALLOWED" ? 403 : 400);
    expect(answer.body.error).toMatchObject({ code, message: expect.any(String) });
    if (field) expect(answer.body.error?.field).toBe(field);
    expect(await rowCounts()).toEqual(before);
  });

  it("refuses a body over 2 MiB with 413 PAYLOAD_TOO_LARGE", async () => {
    const answer = await post(
      rest.origin,
      "/api/v1/work-orders",
      { kind: "synthetic", payload: { x: "y".repeat(2_200_000) } },
      { token: producer },
    );
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatchObject({ code: "PAYLOAD_TOO_LARGE", details: { maxBytes: 2_097_152 } });
  });

  it("answers 401 without a token or with an unknown one, 403 SCOPE_MISSING without orders:submit", async () => {
    const none = await post(rest.origin, "/api/v1/work-orders", order());
    expect(none.status).toBe(401);
    expect(none.body.error?.code).toBe("UNAUTHORIZED");
    const unknown = await post(rest.origin, "/api/v1/work-orders", order(), { token: "qmc_00000000_nope" });
    expect(unknown.status).toBe(401);
    const reader = await h.tokenFor("OPERATOR", ["read"]);
    const refused = await post(rest.origin, "/api/v1/work-orders", order(), { token: reader });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "SCOPE_MISSING", details: { scope: "orders:submit" } });
  });

  it("answers 404 for an unknown path and 405 with Allow for a wrong method, as JSON", async () => {
    const missing = await post(rest.origin, "/api/v1/orders", order(), { token: producer });
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe("NOT_FOUND");
    const wrong = await fetch(`${rest.origin}/api/v1/work-orders`, { method: "GET" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
  });
});

describe("POST /api/v1/work-orders/batch", () => {
  it("submits up to 1,000 orders in one request, in order", async () => {
    const orders = Array.from({ length: 1000 }, (_, i) => order(i));
    const answer = await post(rest.origin, "/api/v1/work-orders/batch", { orders }, { token: producer });
    expect(answer.status).toBe(201);
    const made = (answer.body as { orders: Array<{ id: string }> }).orders;
    expect(made).toHaveLength(1000);
    const stored = await h.engine.db.prisma.auditEvent.findMany({
      where: { subjectId: { in: made.map((o) => o.id) }, action: "work_order.submit" },
      select: { subjectId: true, submission: true },
    });
    const byId = new Map(
      stored.map((s) => [s.subjectId, s.submission as { payload: { durationMs: number } }]),
    );
    expect(made.map((o) => byId.get(o.id)?.payload.durationMs)).toEqual(
      orders.map((o) => o.payload.durationMs),
    );
  });

  it("refuses the whole batch when one order is invalid, naming its index, and writes nothing", async () => {
    const before = await rowCounts();
    const orders = Array.from({ length: 10 }, () => order());
    orders[7] = { kind: "synthetic", payload: { failureRate: 2 } } as never;
    const answer = await post(rest.origin, "/api/v1/work-orders/batch", { orders }, { token: producer });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: "INVALID_PAYLOAD",
      field: "orders.7.payload",
      details: { index: 7 },
    });
    expect(answer.body.error?.message).toMatch(/^Order #8: /);
    const schema = await post(
      rest.origin,
      "/api/v1/work-orders/batch",
      { orders: [order(), { payload: {} }] },
      { token: producer },
    );
    expect(schema.body.error).toMatchObject({ code: "INVALID_INPUT", field: "orders.1.kind" });
    expect(await rowCounts()).toEqual(before);
  });

  it("refuses an empty batch and one over 1,000 orders", async () => {
    for (const orders of [[], Array.from({ length: 1001 }, () => order())]) {
      const answer = await post(rest.origin, "/api/v1/work-orders/batch", { orders }, { token: producer });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: "INVALID_INPUT", field: "orders" });
    }
  });
});
