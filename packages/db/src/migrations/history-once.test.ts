import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDatabaseBeforeMigration,
  type DatabaseBeforeMigration,
} from "../testing/database-before-migration.ts";

/**
 * The history_once migration on a database with history: each machine transition's audit twin
 * is folded into its history row (the actor, when it was not the worker itself) and deleted, so
 * the audit trail — which now reads the history tables — shows every transition once; operator
 * and system events stay; the partial indexes replace the full ones.
 */
const MIGRATION = "history_once";
let old: DatabaseBeforeMigration;

beforeAll(async () => {
  old = await createDatabaseBeforeMigration(MIGRATION);
});
afterAll(() => old.drop());

const AT = "2026-12-01 10:00:00.000";
const LATER = "2026-12-01 10:00:01.000";

describe(`the ${MIGRATION} migration`, () => {
  it("keeps one record of each transition, with the operator who made it", async () => {
    const db = old.prisma;
    // Written as the old code wrote them: every history row but the first with its audit twin.
    await db.$executeRawUnsafe(`
      INSERT INTO "WorkOrder" (id, kind, payload, state, "maxAttempts", "submittedBy", "updatedAt")
        VALUES ('o-1', 'synthetic', '{}', 'CANCELLED', 3, 'ops@example.com', now());
      INSERT INTO "StateTransition" ("workOrderId", "fromState", "toState", event, at, attempt, "workerId") VALUES
        ('o-1', NULL, 'PENDING', 'SUBMIT', '${AT}', 0, NULL),
        ('o-1', 'PENDING', 'PREPARING', 'CLAIM', '${AT}', 1, 'w1'),
        ('o-1', 'PREPARING', 'RUNNING', 'READY', '${AT}', 1, 'w1'),
        ('o-1', 'RUNNING', 'CANCELLED', 'CANCEL', '${LATER}', 1, 'w1');
      INSERT INTO "LegacyWorkOrder" (id, kind, payload, status, "submittedBy", "updatedAt")
        VALUES ('l-1', 'synthetic', '{}', 'building', 'ops@example.com', now());
      INSERT INTO "LegacyStatusChange" ("workOrderId", "fromStatus", "toStatus", at, "workerId") VALUES
        ('l-1', NULL, 'queued', '${AT}', NULL), ('l-1', 'queued', 'building', '${LATER}', 'w2');
      INSERT INTO "AuditEvent" (at, actor, action, "subjectType", "subjectId", before, after) VALUES
        ('${AT}', 'ops@example.com', 'work_order.submit', 'WorkOrder', 'o-1', NULL, '{"state":"PENDING"}'),
        ('${AT}', 'worker:w1', 'work_order.transition', 'WorkOrder', 'o-1', '{"state":"PENDING"}',
          '{"state":"PREPARING","event":"CLAIM","attempt":1}'),
        ('${AT}', 'worker:w1', 'work_order.transition', 'WorkOrder', 'o-1', '{"state":"PREPARING"}',
          '{"state":"RUNNING","event":"READY","attempt":1}'),
        ('${LATER}', 'ops@example.com', 'work_order.transition', 'WorkOrder', 'o-1', '{"state":"RUNNING"}',
          '{"state":"CANCELLED","event":"CANCEL","attempt":1}'),
        ('${AT}', 'ops@example.com', 'work_order.submit', 'LegacyWorkOrder', 'l-1', NULL, NULL),
        ('${LATER}', 'worker:w2', 'legacy_work_order.status', 'LegacyWorkOrder', 'l-1', '{"status":"queued"}',
          '{"status":"building"}'),
        ('${LATER}', 'ops@example.com', 'config.change', 'QueueConfig', '2', NULL, NULL);`);

    const { applied } = await old.upgrade();
    expect(applied.map((name) => name.replace(/^\d+_/, ""))).toContain(MIGRATION);

    const audit = await db.auditEvent.findMany({ orderBy: { id: "asc" }, select: { action: true } });
    expect(audit.map((e) => e.action)).toEqual(["work_order.submit", "work_order.submit", "config.change"]);
    const history = await db.stateTransition.findMany({ orderBy: { id: "asc" }, select: { actor: true } });
    expect(history.map((t) => t.actor)).toEqual([null, null, null, "ops@example.com"]);
    expect(await db.legacyStatusChange.count()).toBe(2);
  });

  it("keeps primary orders out of the shadow copies' indexes and drops the history's foreign keys", async () => {
    const indexes = await old.prisma.$queryRawUnsafe<Array<{ name: string; def: string }>>(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes
       WHERE indexname IN ('WorkOrder_shadow_createdAt_idx', 'LegacyWorkOrder_status_submittedAt_idx',
         'StateTransition_at_idx', 'WorkOrder_shadowOfId_key') ORDER BY indexname COLLATE "C"`,
    );
    expect(indexes.map((i) => [i.name, /WHERE (.*)$/.exec(i.def)?.[1]])).toEqual([
      ["LegacyWorkOrder_status_submittedAt_idx", "(status <> 'completed'::text)"],
      ["StateTransition_at_idx", '("fromState" IS NOT NULL)'],
      ["WorkOrder_shadowOfId_key", '("shadowOfId" IS NOT NULL)'],
      ["WorkOrder_shadow_createdAt_idx", '("shadowOfId" IS NOT NULL)'],
    ]);
    const foreignKeys = await old.prisma.$queryRawUnsafe<unknown[]>(
      `SELECT conname FROM pg_constraint WHERE contype = 'f'
       AND conrelid IN ('"StateTransition"'::regclass, '"LegacyStatusChange"'::regclass)`,
    );
    expect(foreignKeys).toEqual([]);
  });
});
