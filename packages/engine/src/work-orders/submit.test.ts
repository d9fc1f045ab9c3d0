import { DomainError } from "@qmc/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";

let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("submit");
});
afterAll(() => h.close());

async function rowCounts() {
  const p = h.db.prisma;
  const [orders, legacy, transitions, audits, jobsNew, jobsLegacy] = await Promise.all([
    p.workOrder.count(),
    p.legacyWorkOrder.count(),
    p.stateTransition.count(),
    p.auditEvent.count(),
    h.queues.newSystem.count(),
    h.queues.legacy.count(),
  ]);
  return { orders, legacy, transitions, audits, jobsNew, jobsLegacy };
}

describe("submit", () => {
  it("writes the order, its SUBMIT transition and its audit event, and enqueues it with jobId = order id", async () => {
    const order = await h.submitter.submit({
      kind: "synthetic",
      payload: { durationMs: 5 },
      system: "NEW",
      actor: "t",
    });
    expect(order).toMatchObject({ system: "NEW", enqueued: true });
    const row = await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id: order.id } });
    const transitions = await h.db.prisma.stateTransition.findMany({ where: { workOrderId: order.id } });
    expect(row).toMatchObject({ state: "PENDING", attempts: 0, maxAttempts: 3, priority: 5 });
    expect(transitions.map((t) => [t.fromState, t.toState, t.event])).toEqual([[null, "PENDING", "SUBMIT"]]);
    const audit = await h.db.prisma.auditEvent.findFirstOrThrow({ where: { subjectId: order.id } });
    expect(audit).toMatchObject({ action: "work_order.submit", actor: "t" });
    expect(audit.submission).toEqual({ kind: "synthetic", payload: { durationMs: 5 }, priority: 5 });
    expect((await h.queues.newSystem.getJob(order.id))?.data).toEqual({ workOrderId: order.id });
  });

  it("writes a legacy order with the free-string status 'queued' and its first status change", async () => {
    const order = await h.submitter.submit({ kind: "synthetic", payload: {}, system: "LEGACY", actor: "t" });
    const row = await h.db.prisma.legacyWorkOrder.findUniqueOrThrow({ where: { id: order.id } });
    const changes = await h.db.prisma.legacyStatusChange.findMany({ where: { workOrderId: order.id } });
    expect(row.status).toBe("queued");
    expect(changes.map((c) => c.toStatus)).toEqual(["queued"]);
    expect(await h.queues.legacy.getJob(order.id)).toBeDefined();
  });

  it("a repeated enqueue of the same order is a no-op", async () => {
    const order = await h.submitter.submit({ kind: "synthetic", payload: {}, system: "NEW", actor: "t" });
    const before = await h.queues.newSystem.count();
    await h.queues.newSystem.add("synthetic", { workOrderId: order.id }, { jobId: order.id });
    expect(await h.queues.newSystem.count()).toBe(before);
  });

  it.each([
    ["an unknown kind", { kind: "nope", payload: {} }, "UNKNOWN_TASK_KIND"],
    ["a payload failing its schema", { kind: "synthetic", payload: { failureRate: 2 } }, "INVALID_PAYLOAD"],
    [
      "a payload over the size limit",
      { kind: "synthetic", payload: { x: "y".repeat(70_000) } },
      "PAYLOAD_TOO_LARGE",
    ],
    ["a 1 MB payload", { kind: "synthetic", payload: { x: "y".repeat(1_000_000) } }, "PAYLOAD_TOO_LARGE"],
    [
      "a command not on the allowlist",
      { kind: "command", payload: { command: "rm", args: ["-rf", "/"] } },
      "COMMAND_NOT_ALLOWED",
    ],
  ])("refuses %s with a typed error and writes nothing", async (_name, input, code) => {
    const before = await rowCounts();
    const error = await h.submitter.submit({ ...input, system: "NEW", actor: "t" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    expect(await rowCounts()).toEqual(before);
  });

  it("refuses a whole batch when one submission is bad, naming which", async () => {
    const before = await rowCounts();
    const error = await h.submitter
      .submitMany([
        { kind: "synthetic", payload: {}, system: "NEW", actor: "t" },
        { kind: "synthetic", payload: { durationMs: "slow" }, system: "LEGACY", actor: "t" },
      ])
      .catch((e: unknown) => e);
    expect((error as DomainError).code).toBe("INVALID_PAYLOAD");
    expect((error as DomainError).message).toMatch(/^Submission #2: /);
    expect(await rowCounts()).toEqual(before);
  });

  it("refuses with BACKPRESSURE beyond the maximum queue depth, writing nothing", async () => {
    const { WorkOrderSubmitter } = await import("./submit.ts");
    const depth = await h.queues.waitingCount("NEW");
    const tight = new WorkOrderSubmitter(
      h.db.prisma,
      h.queues,
      h.resources.commandPolicy,
      h.resources.logger,
      {
        maxQueueDepth: depth + 1,
      },
    );
    await tight.submit({ kind: "synthetic", payload: {}, system: "NEW", actor: "t" });
    const before = await rowCounts();
    const error = await tight
      .submit({ kind: "synthetic", payload: {}, system: "NEW", actor: "t" })
      .catch((e) => e);
    expect((error as DomainError).code).toBe("BACKPRESSURE");
    expect((error as DomainError).details).toMatchObject({ system: "NEW", limit: depth + 1 });
    expect(await rowCounts()).toEqual(before);
  });
});
