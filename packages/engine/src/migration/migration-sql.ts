/**
 * Moves a batch of queued legacy orders to the new system in one statement, so each order moves
 * whole or not at all: the guarded update marks the legacy row migrated, and only the rows it
 * really updated get a new-system order, its SUBMIT transition and its audit event. The guard
 * (`status = 'queued' AND "migratedAt" IS NULL`) is the same row the legacy processor's claim
 * updates, so whichever commits first wins and the other changes nothing: an order is never
 * moved twice and never moved once legacy has started it. An id already taken in "WorkOrder"
 * is left in legacy rather than failing the batch.
 *
 * Parameters: $1 jsonb `[{ id, maxAttempts }]`, $2 ISO time, $3 actor, $4 run id, $5 reason,
 * $6 the ids again as text[] (lets the planner use the primary key instead of scanning the table).
 * Returns the moved rows (id, kind, priority) for the enqueue that follows the commit.
 * (Foreign keys are checked at the end of the statement, so the history rows may refer to
 * orders inserted by a sibling CTE.)
 */
export const MIGRATE_LEGACY_ORDERS_SQL = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, "maxAttempts" int)
  ), moved AS (
    UPDATE "LegacyWorkOrder" l
    SET "migratedAt" = $2::timestamp(3), "updatedAt" = $2::timestamp(3)
    FROM input
    WHERE l.id = ANY($6::text[]) AND l.id = input.id AND l.status = 'queued' AND l."migratedAt" IS NULL
      AND NOT EXISTS (SELECT 1 FROM "WorkOrder" w WHERE w.id = l.id)
    RETURNING l.id, l.kind, l.payload, l.priority, l."submittedAt", l."routeBucket", l."configVersion",
      l."resubmittedFromId", input."maxAttempts"
  ), orders AS (
    INSERT INTO "WorkOrder" ("id", "kind", "payload", "state", "role", "priority", "maxAttempts", "migrated",
      "originalSubmittedAt", "resubmittedFromId", "submittedBy", "routeBucket", "configVersion",
      "createdAt", "updatedAt")
    SELECT id, kind, payload, 'PENDING'::"WorkOrderState", 'PRIMARY'::"WorkOrderRole", priority, "maxAttempts",
      true, "submittedAt", "resubmittedFromId", $3::text, "routeBucket", "configVersion",
      $2::timestamp(3), $2::timestamp(3)
    FROM moved
  ), transitions AS (
    INSERT INTO "StateTransition" ("workOrderId", "fromState", "toState", "event", "at", "attempt", "metadata")
    SELECT id, NULL, 'PENDING'::"WorkOrderState", 'SUBMIT'::"TransitionEvent", $2::timestamp(3), 0,
      jsonb_build_object('actor', $3::text, 'migratedFrom', 'LEGACY', 'runId', $4::text)
    FROM moved
  ), audit AS (
    INSERT INTO "AuditEvent" ("at", "actor", "action", "subjectType", "subjectId", "before", "after",
      "submission", "reason")
    SELECT $2::timestamp(3), $3::text, 'work_order.migrate', 'WorkOrder', id,
      jsonb_build_object('system', 'LEGACY', 'status', 'queued'),
      jsonb_build_object('system', 'NEW', 'state', 'PENDING', 'runId', $4::text),
      jsonb_build_object('kind', kind, 'payload', payload, 'priority', priority),
      $5::text
    FROM moved
  )
  SELECT id, kind, priority FROM moved`;

/** One row returned by {@link MIGRATE_LEGACY_ORDERS_SQL}. */
export interface MovedOrderRow {
  id: string;
  kind: string;
  priority: number;
}
