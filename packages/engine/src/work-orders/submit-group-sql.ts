import type { PreparedStatement } from "@qmc/db";

/**
 * A whole submit group in one statement, hence one commit: the idempotency keys its requests
 * claim ($3), the new-system orders ($1) and the legacy orders ($2), each with its first history
 * row and its audit event — the rows INSERT_NEW_ORDERS_SQL and INSERT_LEGACY_ORDERS_SQL write.
 *
 * An order row whose `claim` names a key is written only if this statement claimed that key: a
 * key already taken (committed by an earlier request, or by a concurrent one this statement
 * waited for) leaves its request's orders out, and the statement returns the keys it did claim.
 * Keys and orders commit together, so a claimed key always has its orders, and a repeat never
 * sees a key "in progress".
 */
export const SUBMIT_GROUP_SQL: PreparedStatement = {
  name: "qmc_submit_group_v1",
  text: `
  WITH claimed AS (
    INSERT INTO "IdempotencyKey" ("key", "workOrderId", "system", "createdAt")
    SELECT k.key, k."workOrderId", k.system::"QueueSystem", k.at::timestamp(3)
    FROM jsonb_to_recordset($3::jsonb) AS k(key text, "workOrderId" text, system text, at text)
    -- In one order everywhere: two groups waiting on each other's keys cannot deadlock.
    ORDER BY k.key
    ON CONFLICT ("key") DO NOTHING
    RETURNING "key"
  ), new_input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
      id text, kind text, payload jsonb, role text, priority int, "maxAttempts" int, "shadowOfId" text,
      migrated boolean, "originalSubmittedAt" text, "resubmittedFromId" text, "submittedBy" text,
      "actorUserId" text, "routeBucket" int, "configVersion" int, at text, submission jsonb, after jsonb,
      claim text)
    WHERE x.claim IS NULL OR x.claim IN (SELECT "key" FROM claimed)
  ), new_orders AS (
    INSERT INTO "WorkOrder" ("id", "kind", "payload", "state", "role", "priority", "maxAttempts", "shadowOfId",
      "migrated", "originalSubmittedAt", "resubmittedFromId", "submittedBy", "routeBucket", "configVersion",
      "createdAt", "updatedAt")
    SELECT id, kind, payload, 'PENDING'::"WorkOrderState", role::"WorkOrderRole", priority, "maxAttempts",
      "shadowOfId", migrated, "originalSubmittedAt"::timestamp(3), "resubmittedFromId", "submittedBy",
      "routeBucket", "configVersion", at::timestamp(3), at::timestamp(3)
    FROM new_input
  ), new_transitions AS (
    INSERT INTO "StateTransition" ("workOrderId", "fromState", "toState", "event", "at", "attempt", "metadata")
    SELECT id, NULL, 'PENDING'::"WorkOrderState", 'SUBMIT'::"TransitionEvent", at::timestamp(3), 0,
      jsonb_build_object('actor', "submittedBy")
    FROM new_input
  ), new_audit AS (
    INSERT INTO "AuditEvent" ("at", "actor", "actorUserId", "action", "subjectType", "subjectId", "after", "submission")
    SELECT at::timestamp(3), "submittedBy", "actorUserId", 'work_order.submit', 'WorkOrder', id, after, submission
    FROM new_input
  ), legacy_input AS (
    SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(
      id text, kind text, payload jsonb, priority int, "submittedBy" text, "actorUserId" text,
      "routeBucket" int, "configVersion" int, "resubmittedFromId" text, at text, submission jsonb, after jsonb,
      claim text)
    WHERE x.claim IS NULL OR x.claim IN (SELECT "key" FROM claimed)
  ), legacy_orders AS (
    INSERT INTO "LegacyWorkOrder" ("id", "kind", "payload", "status", "priority", "submittedBy", "submittedAt",
      "updatedAt", "routeBucket", "configVersion", "resubmittedFromId")
    SELECT id, kind, payload, 'queued', priority, "submittedBy", at::timestamp(3), at::timestamp(3),
      "routeBucket", "configVersion", "resubmittedFromId"
    FROM legacy_input
  ), legacy_changes AS (
    INSERT INTO "LegacyStatusChange" ("workOrderId", "fromStatus", "toStatus", "at")
    SELECT id, NULL, 'queued', at::timestamp(3) FROM legacy_input
  ), legacy_audit AS (
    INSERT INTO "AuditEvent" ("at", "actor", "actorUserId", "action", "subjectType", "subjectId", "after", "submission")
    SELECT at::timestamp(3), "submittedBy", "actorUserId", 'work_order.submit', 'LegacyWorkOrder', id, after, submission
    FROM legacy_input
  )
  SELECT "key" FROM claimed`,
};
