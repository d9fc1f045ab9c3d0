/**
 * The submit path's writes as single statements: the order rows, their first history rows and
 * their audit events for a whole batch, from one JSON parameter, in one round trip and one
 * commit. (Foreign keys are checked at the end of the statement, so the history rows may refer
 * to orders inserted by a sibling CTE.)
 */
export const INSERT_NEW_ORDERS_SQL = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
      id text, kind text, payload jsonb, role text, priority int, "maxAttempts" int, "shadowOfId" text,
      migrated boolean, "originalSubmittedAt" text, "resubmittedFromId" text, "submittedBy" text,
      "actorUserId" text, "routeBucket" int, "configVersion" int, at text, submission jsonb, after jsonb)
  ), orders AS (
    INSERT INTO "WorkOrder" ("id", "kind", "payload", "state", "role", "priority", "maxAttempts", "shadowOfId",
      "migrated", "originalSubmittedAt", "resubmittedFromId", "submittedBy", "routeBucket", "configVersion",
      "createdAt", "updatedAt")
    SELECT id, kind, payload, 'PENDING'::"WorkOrderState", role::"WorkOrderRole", priority, "maxAttempts",
      "shadowOfId", migrated, "originalSubmittedAt"::timestamp(3), "resubmittedFromId", "submittedBy",
      "routeBucket", "configVersion", at::timestamp(3), at::timestamp(3)
    FROM input
  ), transitions AS (
    INSERT INTO "StateTransition" ("workOrderId", "fromState", "toState", "event", "at", "attempt", "metadata")
    SELECT id, NULL, 'PENDING'::"WorkOrderState", 'SUBMIT'::"TransitionEvent", at::timestamp(3), 0,
      jsonb_build_object('actor', "submittedBy")
    FROM input
  )
  INSERT INTO "AuditEvent" ("at", "actor", "actorUserId", "action", "subjectType", "subjectId", "after", "submission")
  SELECT at::timestamp(3), "submittedBy", "actorUserId", 'work_order.submit', 'WorkOrder', id, after, submission
  FROM input`;

export const INSERT_LEGACY_ORDERS_SQL = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
      id text, kind text, payload jsonb, priority int, "submittedBy" text, "actorUserId" text,
      "routeBucket" int, "configVersion" int, "resubmittedFromId" text, at text, submission jsonb, after jsonb)
  ), orders AS (
    INSERT INTO "LegacyWorkOrder" ("id", "kind", "payload", "status", "priority", "submittedBy", "submittedAt",
      "updatedAt", "routeBucket", "configVersion", "resubmittedFromId")
    SELECT id, kind, payload, 'queued', priority, "submittedBy", at::timestamp(3), at::timestamp(3),
      "routeBucket", "configVersion", "resubmittedFromId"
    FROM input
  ), changes AS (
    INSERT INTO "LegacyStatusChange" ("workOrderId", "fromStatus", "toStatus", "at")
    SELECT id, NULL, 'queued', at::timestamp(3) FROM input
  )
  INSERT INTO "AuditEvent" ("at", "actor", "actorUserId", "action", "subjectType", "subjectId", "after", "submission")
  SELECT at::timestamp(3), "submittedBy", "actorUserId", 'work_order.submit', 'LegacyWorkOrder', id, after, submission
  FROM input`;
