import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness, errorOf } from "./testing/api-harness.ts";

/** In-flight migration and legacy retirement through the HTTP API (Phases 3–4 of the plan). */
let h: ApiHarness;
let operator: string;
let admin: string;

beforeAll(async () => {
  h = await createApiHarness("migration_api");
  [operator, admin] = await Promise.all([h.tokenFor("OPERATOR"), h.tokenFor("ADMIN")]);
});
afterAll(() => h.close());

describe("in-flight migration", () => {
  it("dry run counts equal the run's, a second run moves nothing, no order is in both systems", async () => {
    const api = h.client(h.web, operator);
    await api.rollout.set.mutate({ useNewQueueSystem: false, reason: "all legacy" });
    const submitted = await Promise.all(
      Array.from({ length: 30 }, () =>
        api.workOrders.submit.mutate({ kind: "synthetic", payload: { durationMs: 5 } }),
      ),
    );
    const plan = await api.migration.plan.query();
    expect(plan).toMatchObject({ toMove: 30, byStatus: { queued: 30 } });
    const dry = await api.migration.dryRun.mutate({ reason: "count first" });
    expect(dry.plan.toMove).toBe(30);
    expect(await h.engine.db.prisma.workOrder.count()).toBe(0); // a dry run moves nothing

    const run = await api.migration.run.mutate({ reason: "move queued orders", batchSize: 7 });
    expect(run).toMatchObject({ status: "COMPLETED", moved: dry.plan.toMove });
    expect(await api.migration.status.query({ runId: run.id })).toMatchObject({ moved: 30 });
    expect((await api.migration.run.mutate({ reason: "again" })).moved).toBe(0);

    const ids = submitted.map((s) => s.id);
    const moved = await h.engine.db.prisma.workOrder.findMany({ where: { id: { in: ids } } });
    expect(moved.every((o) => o.migrated && o.state === "PENDING" && o.originalSubmittedAt)).toBe(true);
    const stillLegacy = await h.engine.db.prisma.legacyWorkOrder.count({
      where: { id: { in: ids }, migratedAt: null },
    });
    expect(stillLegacy).toBe(0);
  });

  it("refuses an empty reason and an unknown run with typed errors", async () => {
    const api = h.client(h.web, operator);
    expect(await errorOf(api.migration.run.mutate({ reason: "" }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(
      await errorOf(api.migration.status.query({ runId: "00000000-0000-4000-8000-000000000000" })),
    ).toMatchObject({
      code: "NOT_FOUND",
      domainCode: "MIGRATION_RUN_NOT_FOUND",
    });
  });
});

describe("legacy retirement", () => {
  it("is blocked until the switch is on at 100 % and legacy is empty; then fixes routing to new; an admin can undo it", async () => {
    const operatorApi = h.client(h.web, operator);
    const adminApi = h.client(h.web, admin);
    await operatorApi.rollout.set.mutate({ useNewQueueSystem: false, reason: "legacy" });
    await operatorApi.workOrders.submit.mutate({ kind: "synthetic", payload: {} });

    const blocked = await errorOf(adminApi.migration.retire.mutate({ reason: "done" }));
    expect(blocked).toMatchObject({ code: "PRECONDITION_FAILED", domainCode: "RETIREMENT_BLOCKED" });
    expect(blocked.message).toMatch(/switched off.*not 100 %.*1 queued/);
    expect(await errorOf(operatorApi.migration.retire.mutate({ reason: "done" }))).toMatchObject({
      code: "FORBIDDEN",
    });

    await operatorApi.rollout.set.mutate({
      useNewQueueSystem: true,
      newQueueRolloutPercent: 100,
      reason: "all new",
    });
    await operatorApi.migration.run.mutate({ reason: "empty legacy" });
    expect(await operatorApi.migration.retirementCheck.query()).toEqual({ allowed: true, blockers: [] });

    const retired = await adminApi.migration.retire.mutate({ reason: "phase 4" });
    expect(retired.legacyRetired).toBe(true);
    await operatorApi.rollout.set.mutate({ useNewQueueSystem: false, reason: "switch off after retirement" });
    const order = await operatorApi.workOrders.submit.mutate({ kind: "synthetic", payload: {} });
    expect(order).toMatchObject({ system: "NEW", route: { reason: "legacy-retired" } });

    const undone = await adminApi.migration.unretire.mutate({ reason: "need legacy back" });
    expect(undone.legacyRetired).toBe(false);
    expect((await operatorApi.workOrders.submit.mutate({ kind: "synthetic", payload: {} })).system).toBe(
      "LEGACY",
    );
    const actions = await h.engine.db.prisma.auditEvent.findMany({
      where: { action: { in: ["legacy.retire", "legacy.unretire"] } },
      orderBy: { id: "asc" },
    });
    expect(actions.map((a) => [a.action, a.reason])).toEqual([
      ["legacy.retire", "phase 4"],
      ["legacy.unretire", "need legacy back"],
    ]);
  });
});
