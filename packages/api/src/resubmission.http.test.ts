import { planBulkResubmit } from "@qmc/engine";
import { pollUntil } from "@qmc/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness, errorOf } from "./testing/api-harness.ts";

/** Re-submission from the audit trail, one and in bulk, through the HTTP API. */
let h: ApiHarness;
let operator: string;

beforeAll(async () => {
  h = await createApiHarness("resubmission");
  operator = await h.tokenFor("OPERATOR");
  // Bulk resubmissions are background runs: a worker executes them (no queue system needed).
  await h.engine.startEngine({ systems: [] });
});
afterAll(() => h.close());

function waitForRun(api: ReturnType<ApiHarness["client"]>, runId: string) {
  return pollUntil(
    () => api.migration.status.query({ runId }),
    (run) => run.status !== "QUEUED" && run.status !== "RUNNING",
  );
}

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
    expect(plan).toMatchObject({ count: 12, exact: true });
    // Past the cap the standing dry run stops counting and says so; the exact count is the same.
    const capped = await planBulkResubmit(h.engine.db.prisma, filter, { cap: 5 });
    expect(capped).toMatchObject({ count: 5, exact: false, upToId: BigInt(plan.upToId) });
    expect(await planBulkResubmit(h.engine.db.prisma, filter, { cap: 5, exact: true })).toMatchObject({
      count: 12,
      exact: true,
    });
    expect(await api.audit.bulkResubmitPlan.query({ ...filter, exact: true })).toMatchObject({
      count: 12,
      excludedShadows: 0,
      exact: true,
      upToId: plan.upToId,
    });
    await submitEvent(api); // after the dry run: not part of it

    const { runId } = await api.audit.bulkResubmit.mutate({
      filter,
      upToId: plan.upToId,
      reason: "replay after outage",
      batchSize: 5,
    });
    const run = await waitForRun(api, runId);
    expect(run).toMatchObject({ status: "COMPLETED", total: 12, processed: 12, moved: 12, skipped: 0 });
    const resubmitted = await h.engine.db.prisma.auditEvent.count({
      where: { action: "work_order.resubmit", reason: "replay after outage" },
    });
    expect(resubmitted).toBe(12);
    // Resuming a finished run makes nothing new.
    const again = await api.audit.resumeBulkResubmit.mutate({ runId: run.id });
    expect(again).toMatchObject({ moved: 12, status: "COMPLETED" });
    const audit = await h.engine.db.prisma.auditEvent.findMany({
      where: { subjectId: run.id },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual(["bulk_resubmit.start", "bulk_resubmit.finish"]);
    expect(
      await h.engine.db.prisma.auditEvent.count({
        where: { action: "work_order.resubmit", reason: "replay after outage" },
      }),
    ).toBe(12);
  });
});

describe("shadow copies are never re-submitted", () => {
  it("the dry run counts the shadows it leaves out, and the run re-submits the primary orders only", async () => {
    const shadowUser = await h.tokenFor("OPERATOR");
    const api = h.client(h.web, shadowUser);
    await api.rollout.set.mutate({ useNewQueueSystem: false, shadowMode: true, reason: "shadow everything" });
    const primaries = [];
    for (let i = 0; i < 6; i++) primaries.push((await submitEvent(api, { durationMs: i })).order);
    expect(primaries.every((o) => o.shadowId !== null)).toBe(true);
    await api.rollout.set.mutate({ shadowMode: false, reason: "shadow off before the replay" });
    const me = await api.auth.me.query();
    const filter = { actor: me?.email ?? "" };

    // The standing dry run does not count shadows (they can be few among millions); the exact one does.
    expect(await api.audit.bulkResubmitPlan.query(filter)).toMatchObject({ count: 6, excludedShadows: null });
    const plan = await api.audit.bulkResubmitPlan.query({ ...filter, exact: true });
    expect(plan).toMatchObject({ count: 6, excludedShadows: 6, exact: true });
    expect(plan.sampleSubjectIds.sort()).toEqual(primaries.map((o) => o.id).sort());

    const { runId } = await api.audit.bulkResubmit.mutate({ filter, upToId: plan.upToId, reason: "replay" });
    expect(await waitForRun(api, runId)).toMatchObject({ status: "COMPLETED", total: 6, moved: 6 });
    const shadowIds = primaries.map((o) => o.shadowId ?? "");
    const remade = await Promise.all([
      h.engine.db.prisma.workOrder.findMany({ where: { resubmittedFromId: { not: null }, role: "PRIMARY" } }),
      h.engine.db.prisma.legacyWorkOrder.findMany({ where: { resubmittedFromId: { not: null } } }),
    ]);
    const from = remade.flat().map((o) => o.resubmittedFromId);
    expect(from.filter((id) => shadowIds.includes(id ?? ""))).toEqual([]);
    for (const primary of primaries) expect(from).toContain(primary.id);

    // Nor one by one: a shadow's submit event is refused, and no key is used up.
    const shadowEvent = await h.engine.db.prisma.auditEvent.findFirstOrThrow({
      where: { subjectId: shadowIds[0], action: "work_order.submit" },
    });
    const refused = await errorOf(
      api.audit.resubmit.mutate({
        auditEventId: String(shadowEvent.id),
        idempotencyKey: "shadow-key-1",
        reason: "r",
      }),
    );
    expect(refused).toMatchObject({ code: "NOT_FOUND", domainCode: "AUDIT_EVENT_NOT_RESUBMITTABLE" });
    expect(refused.message).toMatch(/shadow/);
    expect(await h.engine.db.prisma.idempotencyKey.count({ where: { key: "shadow-key-1" } })).toBe(0);
  });
});
