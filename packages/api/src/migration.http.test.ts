import { pollUntil } from "@qmc/engine/testing";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness, errorOf } from "./testing/api-harness.ts";

/** In-flight migration (a background run) and legacy retirement through the HTTP API (Phases 3–4). */
let h: ApiHarness;
let operator: string;
let admin: string;

beforeAll(async () => {
  h = await createApiHarness("migration_api");
  [operator, admin] = await Promise.all([h.tokenFor("OPERATOR"), h.tokenFor("ADMIN")]);
});
afterAll(() => h.close());

type Api = ReturnType<ApiHarness["client"]>;

/** Polls a run until it has ended; returns it with the progress seen on the way. */
async function waitForRun(api: Api, runId: string) {
  const seen: number[] = [];
  const run = await pollUntil(
    async () => {
      const r = await api.migration.status.query({ runId });
      seen.push(r.processed);
      return r;
    },
    (r) => r.status !== "QUEUED" && r.status !== "RUNNING",
    20_000,
  );
  return { run, seen };
}

async function detailsOf(call: Promise<unknown>): Promise<Record<string, unknown>> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCClientError)) throw new Error(`expected a tRPC error, got ${String(error)}`);
  return (error.data as { details?: Record<string, unknown> }).details ?? {};
}

async function submitLegacy(api: Api, count: number) {
  return Promise.all(
    Array.from({ length: count }, () =>
      api.workOrders.submit.mutate({ kind: "synthetic", payload: { durationMs: 5 } }),
    ),
  );
}

describe("in-flight migration, a background run executed by a worker", () => {
  it("one at a time: of concurrent starts exactly one wins, the others are told which run is active", async () => {
    const api = h.client(h.web, operator);
    const starts = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => api.migration.run.mutate({ reason: `start ${i}` })),
    );
    const won = starts.flatMap((s) => (s.status === "fulfilled" ? [s.value.runId] : []));
    expect(won).toHaveLength(1);
    const winner = won[0] ?? "";
    // No worker runs yet: the run waits, and a further start is refused with the run's id.
    expect(await api.migration.status.query({ runId: winner })).toMatchObject({ status: "QUEUED" });
    const again = api.migration.run.mutate({ reason: "once more" });
    expect(await errorOf(again)).toMatchObject({ code: "CONFLICT", domainCode: "RUN_IN_PROGRESS" });
    expect(await detailsOf(api.migration.run.mutate({ reason: "once more" }))).toMatchObject({
      runId: winner,
      status: "QUEUED",
    });
    for (const lost of starts.filter((s) => s.status === "rejected")) {
      expect(lost.reason).toBeInstanceOf(TRPCClientError);
      expect((lost.reason as TRPCClientError<never>).data).toMatchObject({ domainCode: "RUN_IN_PROGRESS" });
    }

    // A run no worker has taken is cancelled at once; cancelling an ended run is a typed refusal.
    const cancelled = await api.migration.cancel.mutate({ runId: winner, reason: "wrong moment" });
    expect(cancelled).toMatchObject({ status: "CANCELLED", processed: 0 });
    expect(await errorOf(api.migration.cancel.mutate({ runId: winner, reason: "again" }))).toMatchObject({
      code: "CONFLICT",
      domainCode: "RUN_NOT_ACTIVE",
    });
    const audit = await h.engine.db.prisma.auditEvent.findMany({
      where: { subjectId: winner },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => [a.action, a.reason])).toEqual([
      ["migration.start", expect.stringMatching(/^start \d$/)],
      ["migration.cancel", "wrong moment"],
    ]);
  });

  it("answers at once with a run id; a worker moves the orders and the progress reaches the dry run's total", async () => {
    const api = h.client(h.web, operator);
    await api.rollout.set.mutate({ useNewQueueSystem: false, reason: "all legacy" });
    const submitted = await submitLegacy(api, 30);
    const plan = await api.migration.plan.query();
    expect(plan).toMatchObject({ toMove: 30, byStatus: { queued: 30 } });
    const dry = await api.migration.dryRun.mutate({ reason: "count first" });
    expect(dry.plan.toMove).toBe(30);
    expect(await h.engine.db.prisma.workOrder.count()).toBe(0); // a dry run moves nothing

    const { runId } = await api.migration.run.mutate({ reason: "move queued orders", batchSize: 7 });
    // The request did none of the work: no worker runs yet.
    expect(await api.migration.status.query({ runId })).toMatchObject({
      status: "QUEUED",
      total: 30,
      processed: 0,
      moved: 0,
      holder: null, // nobody holds it yet
    });
    expect(await h.engine.db.prisma.workOrder.count()).toBe(0);

    await h.engine.startEngine({ systems: [], workerId: "migration-worker" });
    const { run, seen } = await waitForRun(api, runId);
    expect(run).toMatchObject({
      status: "COMPLETED",
      total: 30,
      processed: 30,
      moved: 30,
      ownerWorkerId: "migration-worker",
      holder: null,
    });
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // progress only grows
    const second = await api.migration.run.mutate({ reason: "again" });
    expect((await waitForRun(api, second.runId)).run).toMatchObject({ status: "COMPLETED", moved: 0 });

    const ids = submitted.map((s) => s.id);
    const moved = await h.engine.db.prisma.workOrder.findMany({ where: { id: { in: ids } } });
    expect(moved).toHaveLength(30);
    expect(moved.every((o) => o.migrated && o.originalSubmittedAt)).toBe(true);
    const stillLegacy = await h.engine.db.prisma.legacyWorkOrder.count({
      where: { id: { in: ids }, migratedAt: null },
    });
    expect(stillLegacy).toBe(0);
    const runs = await api.migration.runs.query({ type: "IN_FLIGHT_MIGRATION" });
    expect(runs.map((r) => r.status)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED", "CANCELLED"]);
  });

  it("refuses an empty reason and an unknown run with typed errors", async () => {
    const api = h.client(h.web, operator);
    expect(await errorOf(api.migration.run.mutate({ reason: "" }))).toMatchObject({ code: "BAD_REQUEST" });
    const unknown = "00000000-0000-4000-8000-000000000000";
    // Thunks: each call starts only when awaited, so none rejects unobserved.
    for (const call of [
      () => api.migration.status.query({ runId: unknown }),
      () => api.migration.cancel.mutate({ runId: unknown, reason: "x" }),
    ]) {
      expect(await errorOf(call())).toMatchObject({
        code: "NOT_FOUND",
        domainCode: "MIGRATION_RUN_NOT_FOUND",
      });
    }
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
    const { runId } = await operatorApi.migration.run.mutate({ reason: "empty legacy" });
    expect((await waitForRun(operatorApi, runId)).run).toMatchObject({ status: "COMPLETED", moved: 1 });
    expect(await operatorApi.migration.retirementCheck.query()).toEqual({ allowed: true, blockers: [] });

    const retired = await adminApi.migration.retire.mutate({ reason: "phase 4" });
    expect(retired.legacyRetired).toBe(true);
    expect(await h.engine.queues.legacy.isPaused()).toBe(true);
    await operatorApi.rollout.set.mutate({ useNewQueueSystem: false, reason: "switch off after retirement" });
    const order = await operatorApi.workOrders.submit.mutate({ kind: "synthetic", payload: {} });
    expect(order).toMatchObject({ system: "NEW", route: { reason: "legacy-retired" } });

    const undone = await adminApi.migration.unretire.mutate({ reason: "need legacy back" });
    expect(undone.legacyRetired).toBe(false);
    expect(await h.engine.queues.legacy.isPaused()).toBe(false);
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

  it("refuses a rollback while legacy is retired, writing nothing, and rolls back once it is un-retired", async () => {
    const operatorApi = h.client(h.web, operator);
    const adminApi = h.client(h.web, admin);
    await operatorApi.rollout.set.mutate({
      useNewQueueSystem: true,
      newQueueRolloutPercent: 100,
      reason: "all new",
    });
    const { runId } = await operatorApi.migration.run.mutate({ reason: "empty legacy again" });
    await waitForRun(operatorApi, runId);
    await adminApi.migration.retire.mutate({ reason: "phase 4 again" });
    const before = await operatorApi.rollout.get.query();
    const configAudit = () => h.engine.db.prisma.auditEvent.count({ where: { subjectType: "QueueConfig" } });
    const audited = await configAudit();

    const refused = await errorOf(operatorApi.rollout.rollback.mutate({ reason: "p99 doubled" }));
    expect(refused).toMatchObject({
      code: "PRECONDITION_FAILED",
      domainCode: "LEGACY_RETIRED",
      httpStatus: 412,
    });
    expect(refused.message).toBe(
      "Legacy is retired; un-retire it first (migration.unretire) and then roll back.",
    );
    expect(await operatorApi.rollout.get.query()).toEqual(before);
    expect(await configAudit()).toBe(audited);

    await adminApi.migration.unretire.mutate({ reason: "rollback needs legacy" });
    const rolledBack = await operatorApi.rollout.rollback.mutate({ reason: "p99 doubled" });
    expect(rolledBack).toMatchObject({ useNewQueueSystem: false, legacyRetired: false });
    expect((await operatorApi.workOrders.submit.mutate({ kind: "synthetic", payload: {} })).system).toBe(
      "LEGACY",
    );
  });
});
