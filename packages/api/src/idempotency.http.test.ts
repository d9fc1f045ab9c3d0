import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness, errorOf } from "./testing/api-harness.ts";
import { rawCall } from "./testing/raw-call.ts";

/**
 * An idempotency key is bound to the request it was first used with: a repeat of that request
 * answers exactly what the first use answered (also when 20 arrive at once), and the key used
 * with another request is refused with IDEMPOTENCY_KEY_REUSED, making nothing.
 */
let h: ApiHarness;
let operator: string;

beforeAll(async () => {
  h = await createApiHarness("idempotency");
  operator = await h.tokenFor("OPERATOR");
});
afterAll(() => h.close());

async function submitEvent(payload: object = {}) {
  const order = await h.client(h.web, operator).workOrders.submit.mutate({ kind: "synthetic", payload });
  const event = await h.engine.db.prisma.auditEvent.findFirstOrThrow({
    where: { subjectId: order.id, action: "work_order.submit" },
  });
  return { order, eventId: String(event.id) };
}

/** Every order re-submitted from `originalId`, in either system. */
async function resubmittedFrom(originalId: string) {
  const [newSystem, legacy] = await Promise.all([
    h.engine.db.prisma.workOrder.findMany({ where: { resubmittedFromId: originalId } }),
    h.engine.db.prisma.legacyWorkOrder.findMany({ where: { resubmittedFromId: originalId } }),
  ]);
  return [
    ...newSystem.map((o) => ({ id: o.id, system: "NEW" })),
    ...legacy.map((o) => ({ id: o.id, system: "LEGACY" })),
  ];
}

describe("idempotency keys of re-submission", () => {
  it("a repeat answers exactly the first answer, even after the routing changed", async () => {
    const api = h.client(h.web, operator);
    const { order, eventId } = await submitEvent({ durationMs: 3 });
    const request = {
      auditEventId: eventId,
      idempotencyKey: "repeat-key-0001",
      reason: "lost in incident 7",
    };
    const first = await api.audit.resubmit.mutate(request);
    expect(first).toMatchObject({ duplicate: false, system: "LEGACY", resubmittedFromId: order.id });

    await api.rollout.set.mutate({ useNewQueueSystem: true, newQueueRolloutPercent: 100, reason: "all in" });
    const again = await api.audit.resubmit.mutate(request);
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await resubmittedFrom(order.id)).toEqual([{ id: first.id, system: "LEGACY" }]);
    await api.rollout.set.mutate({ useNewQueueSystem: false, newQueueRolloutPercent: 0, reason: "back" });
  });

  it("the key used with another audit event is IDEMPOTENCY_KEY_REUSED, naming the first event, and makes nothing", async () => {
    const api = h.client(h.web, operator);
    const first = await submitEvent({ durationMs: 1 });
    const other = await submitEvent({ durationMs: 2 });
    const key = "reused-key-0001";
    const made = await api.audit.resubmit.mutate({
      auditEventId: first.eventId,
      idempotencyKey: key,
      reason: "r",
    });
    const keysBefore = await h.engine.db.prisma.idempotencyKey.count();

    const refused = await rawCall(
      h.web.url,
      "audit.resubmit",
      "mutation",
      { auditEventId: other.eventId, idempotencyKey: key, reason: "r" },
      { token: operator },
    );
    expect(refused.status).toBe(422);
    expect(refused.error?.data).toMatchObject({
      code: "UNPROCESSABLE_CONTENT",
      domainCode: "IDEMPOTENCY_KEY_REUSED",
      details: { idempotencyKey: key, auditEventId: other.eventId, firstAuditEventId: first.eventId },
    });
    expect(refused.error?.message).toContain(first.eventId);
    expect(await resubmittedFrom(other.order.id)).toEqual([]);
    expect(await h.engine.db.prisma.idempotencyKey.count()).toBe(keysBefore);

    // The first request still gets its own answer.
    const again = await api.audit.resubmit.mutate({
      auditEventId: first.eventId,
      idempotencyKey: key,
      reason: "r",
    });
    expect(again).toEqual({ ...made, duplicate: true });
  });

  it("20 identical requests at once make one order and give 20 identical answers naming its system", async () => {
    const api = h.client(h.web, operator);
    for (const [percent, key] of [
      [0, "burst-key-legacy"],
      [100, "burst-key-new"],
    ] as const) {
      await api.rollout.set.mutate({
        useNewQueueSystem: percent > 0,
        newQueueRolloutPercent: percent,
        reason: `burst at ${percent}`,
      });
      const { order, eventId } = await submitEvent({ durationMs: percent });
      const request = { auditEventId: eventId, idempotencyKey: key, reason: "burst" };
      const answers = await Promise.all(Array.from({ length: 20 }, () => api.audit.resubmit.mutate(request)));

      const made = await resubmittedFrom(order.id);
      expect(made).toHaveLength(1);
      const [only] = made;
      expect(only?.system).toBe(percent > 0 ? "NEW" : "LEGACY");
      expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
      const expected = { id: only?.id, system: only?.system, resubmittedFromId: order.id };
      expect(answers.map(({ duplicate: _, ...answer }) => answer)).toEqual(Array(20).fill(expected));
    }
  });

  it("20 requests at once with one key and two events: one order, one event's answers, the rest refused", async () => {
    const api = h.client(h.web, operator);
    const a = await submitEvent({ durationMs: 11 });
    const b = await submitEvent({ durationMs: 12 });
    const key = "contended-key-0001";
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        api.audit.resubmit.mutate({
          auditEventId: i % 2 ? a.eventId : b.eventId,
          idempotencyKey: key,
          reason: "contended",
        }),
      ),
    );
    const made = [...(await resubmittedFrom(a.order.id)), ...(await resubmittedFrom(b.order.id))];
    expect(made).toHaveLength(1);
    const winner = (await resubmittedFrom(a.order.id)).length ? a : b;
    const answers = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    expect(answers).toHaveLength(10);
    for (const answer of answers) {
      expect(answer).toMatchObject({
        id: made[0]?.id,
        system: made[0]?.system,
        resubmittedFromId: winner.order.id,
      });
    }
    const refusals = await Promise.all(
      settled.flatMap((s) => (s.status === "rejected" ? [errorOf(Promise.reject(s.reason))] : [])),
    );
    expect(refusals).toHaveLength(10);
    for (const refusal of refusals) expect(refusal).toMatchObject({ domainCode: "IDEMPOTENCY_KEY_REUSED" });
  });

  it("a key claimed before keys were bound to requests answers its own event's repeats and refuses others", async () => {
    const api = h.client(h.web, operator);
    const first = await submitEvent({ durationMs: 21 });
    const other = await submitEvent({ durationMs: 22 });
    // What the earlier code left: a random order id on the key, a settling event without fingerprint.
    const key = "pre-fingerprint-key";
    const orderId = randomUUID();
    await h.engine.db.prisma.idempotencyKey.create({ data: { key, workOrderId: orderId, system: "LEGACY" } });
    await h.engine.db.prisma.auditEvent.create({
      data: {
        actor: "operator",
        action: "work_order.resubmit",
        subjectType: "LegacyWorkOrder",
        subjectId: orderId,
        before: { from: first.order.id, auditEventId: first.eventId },
        after: { system: "LEGACY", idempotencyKey: key },
      },
    });
    const again = await api.audit.resubmit.mutate({
      auditEventId: first.eventId,
      idempotencyKey: key,
      reason: "r",
    });
    expect(again).toEqual({
      id: orderId,
      system: "LEGACY",
      resubmittedFromId: first.order.id,
      duplicate: true,
    });
    expect(
      await errorOf(
        api.audit.resubmit.mutate({ auditEventId: other.eventId, idempotencyKey: key, reason: "r" }),
      ),
    ).toMatchObject({ code: "UNPROCESSABLE_CONTENT", domainCode: "IDEMPOTENCY_KEY_REUSED" });
    expect(await resubmittedFrom(first.order.id)).toEqual([]);
    expect(await resubmittedFrom(other.order.id)).toEqual([]);
  });

  it("a use of the key that died before making its order is taken over after a minute", async () => {
    const api = h.client(h.web, operator);
    const { order, eventId } = await submitEvent({ durationMs: 31 });
    const key = "abandoned-key-0001";
    await h.engine.db.prisma.idempotencyKey.create({
      data: {
        key,
        workOrderId: "0b7e5a11-2c3d-8e4f-9a0b-1c2d3e4f5a6b",
        system: "NEW",
        createdAt: new Date(Date.now() - 61_000),
      },
    });
    const made = await api.audit.resubmit.mutate({ auditEventId: eventId, idempotencyKey: key, reason: "r" });
    expect(made).toMatchObject({ duplicate: false, resubmittedFromId: order.id });
    expect(await resubmittedFrom(order.id)).toEqual([{ id: made.id, system: made.system }]);
  });

  it("a request that made nothing frees its key: the key may then be used for another event", async () => {
    const api = h.client(h.web, operator);
    const invalid = await h.engine.db.prisma.auditEvent.create({
      data: {
        actor: "operator",
        action: "work_order.submit",
        subjectType: "LegacyWorkOrder",
        subjectId: randomUUID(),
        after: { system: "LEGACY", role: "PRIMARY" },
        submission: { kind: "synthetic", payload: "not an object", priority: 0 },
      },
    });
    const key = "freed-key-0001";
    const refused = await errorOf(
      api.audit.resubmit.mutate({ auditEventId: String(invalid.id), idempotencyKey: key, reason: "r" }),
    );
    expect(refused).toMatchObject({ code: "BAD_REQUEST", domainCode: "INVALID_PAYLOAD" });
    expect(await h.engine.db.prisma.idempotencyKey.count({ where: { key } })).toBe(0);

    const { order, eventId } = await submitEvent({ durationMs: 41 });
    const made = await api.audit.resubmit.mutate({ auditEventId: eventId, idempotencyKey: key, reason: "r" });
    expect(made).toMatchObject({ duplicate: false, resubmittedFromId: order.id });
  });
});
