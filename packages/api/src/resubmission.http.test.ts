import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness, errorOf } from "./testing/api-harness.ts";

/** Re-submission from the audit trail, one and in bulk, through the HTTP API. */
let h: ApiHarness;
let operator: string;

beforeAll(async () => {
  h = await createApiHarness("resubmission");
  operator = await h.tokenFor("OPERATOR");
});
afterAll(() => h.close());

async function submitEvent(api: ReturnType<ApiHarness["client"]>, payload: object = {}) {
  const order = await api.workOrders.submit.mutate({ kind: "synthetic", payload });
  const event = await h.engine.db.prisma.auditEvent.findFirstOrThrow({
    where: { subjectId: order.id, action: "work_order.submit" },
  });
  return { order, eventId: String(event.id) };
}

describe("resubmit from the audit trail", () => {
  it("one key makes one new order, linked to the original, even after the original row is gone", async () => {
    const api = h.client(h.web, operator);
    const { order, eventId } = await submitEvent(api, { durationMs: 7 });
    await h.engine.db.prisma.legacyWorkOrder.deleteMany({ where: { id: order.id } });
    await h.engine.db.prisma.workOrder.deleteMany({ where: { id: order.id } });

    const request = {
      auditEventId: eventId,
      idempotencyKey: "resubmit-key-1",
      reason: "lost in an incident",
    };
    const first = await api.audit.resubmit.mutate(request);
    const second = await api.audit.resubmit.mutate(request);
    expect(first).toMatchObject({ duplicate: false, resubmittedFromId: order.id });
    expect(second).toEqual({ ...first, duplicate: true });

    const made = await Promise.all([
      h.engine.db.prisma.workOrder.count({ where: { resubmittedFromId: order.id } }),
      h.engine.db.prisma.legacyWorkOrder.count({ where: { resubmittedFromId: order.id } }),
    ]);
    expect(made[0] + made[1]).toBe(1);
    const audit = await h.engine.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "work_order.resubmit", subjectId: first.id },
    });
    expect(audit).toMatchObject({ reason: "lost in an incident" });
    expect(audit.actor).toMatch(/^operator-/);
  });

  it("refuses an empty reason or an event without a submission, writing nothing", async () => {
    const api = h.client(h.web, operator);
    const { eventId } = await submitEvent(api);
    const before = await h.engine.db.prisma.idempotencyKey.count();
    expect(
      await errorOf(
        api.audit.resubmit.mutate({ auditEventId: eventId, idempotencyKey: "k-empty-reason", reason: " " }),
      ),
    ).toMatchObject({
      code: "BAD_REQUEST",
    });
    const config = await h.engine.db.prisma.auditEvent.create({
      data: { actor: "x", action: "config.change", subjectType: "QueueConfig", subjectId: "1" },
    });
    expect(
      await errorOf(
        api.audit.resubmit.mutate({
          auditEventId: String(config.id),
          idempotencyKey: "k-no-submission",
          reason: "r",
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND", domainCode: "AUDIT_EVENT_NOT_RESUBMITTABLE" });
    expect(await h.engine.db.prisma.idempotencyKey.count()).toBe(before);
  });

  it("bulk resubmit of a filter makes exactly the dry run's count, not orders submitted after it", async () => {
    const bulkUser = await h.tokenFor("OPERATOR");
    const api = h.client(h.web, bulkUser);
    for (let i = 0; i < 12; i++) await submitEvent(api, { durationMs: i });
    const me = await api.auth.me.query();
    const filter = { actor: me?.email ?? "", kind: "synthetic" };
    const plan = await api.audit.bulkResubmitPlan.query(filter);
    expect(plan.count).toBe(12);
    await submitEvent(api); // after the dry run: not part of it

    const run = await api.audit.bulkResubmit.mutate({
      filter,
      upToId: plan.upToId,
      reason: "replay after outage",
    });
    expect(run).toMatchObject({ status: "COMPLETED", total: 12, processed: 12, moved: 12, skipped: 0 });
    const resubmitted = await h.engine.db.prisma.auditEvent.count({
      where: { action: "work_order.resubmit", reason: "replay after outage" },
    });
    expect(resubmitted).toBe(12);
    // Resuming a finished run makes nothing new.
    const again = await api.audit.resumeBulkResubmit.mutate({ runId: run.id });
    expect(again).toMatchObject({ moved: 12, status: "COMPLETED" });
    expect(
      await h.engine.db.prisma.auditEvent.count({
        where: { action: "work_order.resubmit", reason: "replay after outage" },
      }),
    ).toBe(12);
  });
});
