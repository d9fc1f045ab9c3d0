import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../testing/api-harness.ts";
import { closeProducerContext } from "./producer-context.ts";
import { post, type ServedRest, serveRest } from "./rest-testing.ts";

let h: ApiHarness;
let rest: ServedRest;
let producer: string;

beforeAll(async () => {
  h = await createApiHarness("rest-idempotency");
  rest = await serveRest(h.web.services);
  producer = await h.tokenFor("OPERATOR", ["orders:submit"]);
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
const keyed = (key: string, token = producer) => ({ token, headers: { "idempotency-key": key } });

async function ordersMade(ids: string[]): Promise<number> {
  const p = h.engine.db.prisma;
  return (
    (await p.workOrder.count({ where: { id: { in: ids }, role: "PRIMARY" } })) +
    (await p.legacyWorkOrder.count({ where: { id: { in: ids } } }))
  );
}

describe("Idempotency-Key on /api/v1/work-orders", () => {
  it("the same key and body answer the same order again (201, Idempotent-Replayed), making nothing new", async () => {
    const first = await post(rest.origin, "/api/v1/work-orders", order(1), keyed("retry-1"));
    const audits = await h.engine.db.prisma.auditEvent.count();
    const again = await post(rest.origin, "/api/v1/work-orders", order(1), keyed("retry-1"));
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await h.engine.db.prisma.auditEvent.count()).toBe(audits);
    // Whitespace and key order are not part of the body's identity.
    const reordered = await post(
      rest.origin,
      "/api/v1/work-orders",
      ' { "payload": { "durationMs": 1 }, "kind": "synthetic" } ',
      keyed("retry-1"),
    );
    expect(reordered.body).toEqual(first.body);
  });

  it("the same key with another body is 422 IDEMPOTENCY_KEY_REUSED and writes nothing", async () => {
    await post(rest.origin, "/api/v1/work-orders", order(1), keyed("retry-2"));
    const audits = await h.engine.db.prisma.auditEvent.count();
    const other = await post(rest.origin, "/api/v1/work-orders", order(2), keyed("retry-2"));
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({
      code: "IDEMPOTENCY_KEY_REUSED",
      details: { idempotencyKey: "retry-2" },
    });
    expect(await h.engine.db.prisma.auditEvent.count()).toBe(audits);
  });

  it("20 concurrent requests with one key make one order, and all 20 name it", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post(rest.origin, "/api/v1/work-orders", order(3), keyed("burst-1"))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    const ids = new Set(answers.map((a) => (a.body as { id: string }).id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === null)).toHaveLength(1);
    expect(await ordersMade([...ids])).toBe(1);
  });

  it("a batch with a key answers the same orders again; another batch with it is refused", async () => {
    const orders = Array.from({ length: 5 }, (_, i) => order(i));
    const first = await post(rest.origin, "/api/v1/work-orders/batch", { orders }, keyed("batch-1"));
    const again = await post(rest.origin, "/api/v1/work-orders/batch", { orders }, keyed("batch-1"));
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const ids = (first.body as { orders: Array<{ id: string }> }).orders.map((o) => o.id);
    expect(await ordersMade(ids)).toBe(5);
    const shorter = await post(
      rest.origin,
      "/api/v1/work-orders/batch",
      { orders: orders.slice(0, 4) },
      keyed("batch-1"),
    );
    expect(shorter.status).toBe(422);
  });

  it("a key belongs to the token's user: another producer's same key makes its own order", async () => {
    const other = await h.tokenFor("OPERATOR", ["orders:submit"]);
    const mine = await post(rest.origin, "/api/v1/work-orders", order(7), keyed("shared-name"));
    const theirs = await post(rest.origin, "/api/v1/work-orders", order(7), keyed("shared-name", other));
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect((theirs.body as { id: string }).id).not.toBe((mine.body as { id: string }).id);
  });

  it("refuses a malformed key with 400 naming the header", async () => {
    const answer = await post(rest.origin, "/api/v1/work-orders", order(), keyed("x".repeat(256)));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: "INVALID_INPUT", field: "Idempotency-Key" });
  });
});
