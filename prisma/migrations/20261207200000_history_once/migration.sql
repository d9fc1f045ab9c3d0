-- History once, fewer index entries per order (issue 16). Hand-written: Prisma cannot express
-- partial indexes, and the audit twins of machine transitions must be folded into the history
-- tables before they are deleted.
--
-- 1. Machine transitions live once. Until now every StateTransition / LegacyStatusChange row
--    but the first of an order had an AuditEvent twin ('work_order.transition',
--    'legacy_work_order.status'); the audit trail now reads the history rows themselves. The
--    twin's actor is kept where it was not the worker itself (an operator's cancel, the
--    reconciler), then the twins go.
ALTER TABLE "StateTransition" ADD COLUMN "actor" TEXT;

UPDATE "StateTransition" t SET "actor" = a."actor"
FROM "AuditEvent" a
WHERE a."action" = 'work_order.transition' AND a."subjectId" = t."workOrderId" AND a."at" = t."at"
  AND a."after"->>'state' = t."toState"::text AND a."after"->>'event' = t."event"::text
  AND t."fromState" IS NOT NULL AND a."actor" <> 'worker:' || COALESCE(t."workerId", '');

DELETE FROM "AuditEvent" WHERE "action" IN ('work_order.transition', 'legacy_work_order.status');

-- 2. No per-row foreign-key lookups on the history tables: their rows are written only in the
--    statement that moves their order.
ALTER TABLE "StateTransition" DROP CONSTRAINT "StateTransition_workOrderId_fkey";
ALTER TABLE "LegacyStatusChange" DROP CONSTRAINT "LegacyStatusChange_workOrderId_fkey";

-- 3. History indexes: what the audit trail and an order's timeline read, nothing else.
DROP INDEX "StateTransition_toState_at_idx";
DROP INDEX "StateTransition_at_idx";
CREATE INDEX "StateTransition_at_idx" ON "StateTransition"("at") WHERE "fromState" IS NOT NULL;
CREATE INDEX "StateTransition_actor_at_idx" ON "StateTransition"("actor", "at") WHERE "actor" IS NOT NULL;
CREATE INDEX "LegacyStatusChange_at_idx" ON "LegacyStatusChange"("at") WHERE "fromStatus" IS NOT NULL;

-- 4. WorkOrder: every transition changes "state", so no update is HOT and each of an order's
--    three row versions enters every index. Fewer of them: the state index serves the open
--    orders (reconciler, queue depths) and the state filter alone; the shadow copies get an index
--    of their own that primary orders never enter. (A partial index whose predicate names an enum
--    value is never used by Prisma's queries: they pass the value as a parameter cast to the enum,
--    which the planner cannot prove against the predicate. `IS NOT NULL` it can.)
DROP INDEX "WorkOrder_state_priority_createdAt_idx";
DROP INDEX "WorkOrder_state_nextRetryAt_idx";
CREATE INDEX "WorkOrder_state_createdAt_idx" ON "WorkOrder"("state", "createdAt");
DROP INDEX "WorkOrder_role_createdAt_idx";
CREATE INDEX "WorkOrder_shadow_createdAt_idx" ON "WorkOrder"("createdAt") WHERE "shadowOfId" IS NOT NULL;
DROP INDEX "WorkOrder_resubmittedFromId_idx";
CREATE INDEX "WorkOrder_resubmittedFromId_idx" ON "WorkOrder"("resubmittedFromId")
  WHERE "resubmittedFromId" IS NOT NULL;
DROP INDEX "WorkOrder_shadowOfId_key";
CREATE UNIQUE INDEX "WorkOrder_shadowOfId_key" ON "WorkOrder"("shadowOfId") WHERE "shadowOfId" IS NOT NULL;

-- 5. LegacyWorkOrder: the same for its status index.
DROP INDEX "LegacyWorkOrder_status_submittedAt_idx";
CREATE INDEX "LegacyWorkOrder_status_submittedAt_idx" ON "LegacyWorkOrder"("status", "submittedAt")
  WHERE "status" <> 'completed';

-- 6. ExecutionAttempt: nothing reads (system, endedAt); the unique key, led by the order, is
--    also the index of an order's attempts.
DROP INDEX "ExecutionAttempt_system_endedAt_idx";
DROP INDEX "ExecutionAttempt_workOrderId_idx";
DROP INDEX "ExecutionAttempt_system_workOrderId_attempt_key";
CREATE UNIQUE INDEX "ExecutionAttempt_workOrderId_system_attempt_key"
  ON "ExecutionAttempt"("workOrderId", "system", "attempt");

-- 7. AuditEvent: found by subject id alone (the audit page's filter), whatever its type.
DROP INDEX "AuditEvent_subjectType_subjectId_at_idx";
CREATE INDEX "AuditEvent_subjectId_at_idx" ON "AuditEvent"("subjectId", "at");
