import { createTestDatabase, type TestDatabase } from "@qmc/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAuditEvents } from "./audit-trail.ts";

/**
 * The audit trail merges AuditEvent with the two history tables (each transition is stored once,
 * there). Paging walks the merged order — newest first, entries of the same millisecond in a
 * fixed order — without skipping or repeating an entry, whatever page size; filters reach every
 * store that can hold a match.
 */
let db: TestDatabase;
const T = (second: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, second));

beforeAll(async () => {
  db = await createTestDatabase("audit_trail");
  const p = db.prisma;
  await p.auditEvent.createMany({
    data: [
      {
        at: T(0),
        actor: "ops@example.com",
        action: "work_order.submit",
        subjectType: "WorkOrder",
        subjectId: "o-1",
      },
      {
        at: T(0),
        actor: "ops@example.com",
        action: "work_order.submit",
        subjectType: "LegacyWorkOrder",
        subjectId: "l-1",
      },
      {
        at: T(2),
        actor: "ops@example.com",
        action: "config.change",
        subjectType: "QueueConfig",
        subjectId: "2",
      },
      {
        at: T(2),
        actor: "ops@example.com",
        action: "config.change",
        subjectType: "QueueConfig",
        subjectId: "3",
      },
      { at: T(5), actor: "guard", action: "guard.pause", subjectType: "QueueConfig", subjectId: "4" },
    ],
  });
  await p.stateTransition.createMany({
    data: [
      // An order's first row: its submit event above is its audit entry.
      { workOrderId: "o-1", fromState: null, toState: "PENDING", event: "SUBMIT", at: T(0), attempt: 0 },
      {
        workOrderId: "o-1",
        fromState: "PENDING",
        toState: "PREPARING",
        event: "CLAIM",
        at: T(2),
        attempt: 1,
        workerId: "w1",
      },
      {
        workOrderId: "o-1",
        fromState: "PREPARING",
        toState: "RUNNING",
        event: "READY",
        at: T(2),
        attempt: 1,
        workerId: "w1",
      },
      {
        workOrderId: "o-1",
        fromState: "RUNNING",
        toState: "CANCELLED",
        event: "CANCEL",
        at: T(4),
        attempt: 1,
        workerId: "w1",
        actor: "ops@example.com",
        metadata: { requestedBy: "ops@example.com" },
      },
    ],
  });
  await p.legacyStatusChange.createMany({
    data: [
      { workOrderId: "l-1", fromStatus: null, toStatus: "queued", at: T(0) },
      { workOrderId: "l-1", fromStatus: "queued", toStatus: "building", at: T(2), workerId: "w1" },
      { workOrderId: "l-1", fromStatus: "building", toStatus: "running", at: T(3), workerId: "w1" },
    ],
  });
});
afterAll(() => db.drop());

type Filter = Omit<Parameters<typeof findAuditEvents>[1], "limit" | "cursor">;

/** Every entry the filter matches, page by page. */
async function walk(filter: Filter, limit: number) {
  const seen: Array<{ id: string; action: string; actor: string; subjectId: string; at: Date }> = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const page = await findAuditEvents(db.prisma, { ...filter, limit, ...(cursor ? { cursor } : {}) });
    seen.push(...page.items);
    if (!page.nextCursor) return seen;
    cursor = page.nextCursor;
  }
  throw new Error("the pages never ended");
}

describe("the audit trail", () => {
  it("shows each transition once, merged with the audit events, newest first", async () => {
    const all = await walk({}, 100);
    expect(all.map((e) => `${e.at.getUTCSeconds()} ${e.action} ${e.subjectId}`)).toEqual([
      "5 guard.pause 4",
      "4 work_order.transition o-1",
      "3 legacy_work_order.status l-1",
      "2 legacy_work_order.status l-1",
      "2 work_order.transition o-1",
      "2 work_order.transition o-1",
      "2 config.change 3",
      "2 config.change 2",
      "0 work_order.submit l-1",
      "0 work_order.submit o-1",
    ]);
    expect(all[1]).toMatchObject({
      id: expect.stringMatching(/^t\d+$/),
      actor: "ops@example.com",
      subjectType: "WorkOrder",
      before: { state: "RUNNING" },
      after: { state: "CANCELLED", event: "CANCEL", attempt: 1, requestedBy: "ops@example.com" },
    });
    expect(all[4]).toMatchObject({ actor: "worker:w1", after: { event: "READY" } });
    expect(all[2]).toMatchObject({
      id: expect.stringMatching(/^l\d+$/),
      actor: "worker:w1",
      before: { status: "building" },
      after: { status: "running" },
    });
    expect(all[0]?.id).toMatch(/^\d+$/);
  });

  it("pages through ties of the same millisecond without skipping or repeating", async () => {
    const all = (await walk({}, 100)).map((e) => e.id);
    for (const limit of [1, 2, 3, 4, 7]) {
      expect((await walk({}, limit)).map((e) => e.id)).toEqual(all);
    }
  });

  it("filters reach every store that can match", async () => {
    const actions = async (filter: Filter) =>
      (await walk(filter, 3)).map((e) => `${e.action} ${e.subjectId}`);
    expect(await actions({ actor: "worker:w1" })).toEqual([
      "legacy_work_order.status l-1",
      "legacy_work_order.status l-1",
      "work_order.transition o-1",
      "work_order.transition o-1",
    ]);
    expect(await actions({ actor: "ops@example.com", subjectId: "o-1" })).toEqual([
      "work_order.transition o-1",
      "work_order.submit o-1",
    ]);
    expect(await actions({ action: "legacy_work_order.status" })).toEqual([
      "legacy_work_order.status l-1",
      "legacy_work_order.status l-1",
    ]);
    expect(await actions({ action: "config.change", from: T(2), to: T(3) })).toEqual([
      "config.change 3",
      "config.change 2",
    ]);
    expect(await actions({ from: T(3), to: T(5) })).toEqual([
      "work_order.transition o-1",
      "legacy_work_order.status l-1",
    ]);
  });
});
