import type { LegacyStatus } from "@qmc/core";
import { type PreparedStatement, type Prisma, type PrismaClient, queryPrepared } from "@qmc/db";

export type LegacyFields = Pick<
  Prisma.LegacyWorkOrderUpdateManyMutationInput,
  "startedAt" | "finishedAt" | "workerId" | "exitCode" | "outputDigest" | "output" | "errorMessage"
>;

/**
 * The claim a legacy worker holds on an order: the worker and the moment it took the order.
 * Every later write of that worker is guarded by it, so a worker that lost the order (its job
 * was redelivered and the order failed as stalled) can no longer change it.
 */
export interface LegacyClaim {
  workerId: string;
  startedAt: Date;
}

export interface LegacyStatusChange {
  from: LegacyStatus;
  to: LegacyStatus;
  /** Who writes it (the status history and the audit trail name this worker). */
  workerId: string;
  fields?: LegacyFields;
  /** Applies only while the order is still held by this claim. */
  claim?: LegacyClaim;
  /** The finished attempt's row, written in the same transaction as the status. */
  attemptRow?: Prisma.ExecutionAttemptCreateManyInput;
}

/** Each settable field and its SQL type: set when its key is in the change's fields. */
const FIELD_TYPES = {
  startedAt: "timestamp(3)",
  finishedAt: "timestamp(3)",
  workerId: "text",
  exitCode: "int",
  outputDigest: "text",
  output: "text",
  errorMessage: "text",
} as const satisfies Record<keyof LegacyFields, string>;

const SET_FIELDS_SQL = Object.entries(FIELD_TYPES)
  .map(
    ([field, type]) =>
      `"${field}" = CASE WHEN $5::jsonb ? '${field}' THEN ($5::jsonb->>'${field}')::${type} ELSE o."${field}" END`,
  )
  .join(",\n      ");

/**
 * One status change in one statement (one round trip, one commit): the guarded update, its
 * history row and the attempt row, each of the last two only when the update matched.
 * $1 id, $2 from, $3 to, $4 at, $5 fields (jsonb), $6 writing worker, $7/$8 the claim's worker and
 * start (null: no claim), $9 the attempt row (jsonb or null).
 */
const SET_STATUS_SQL: PreparedStatement = {
  name: "qmc_legacy_status_v1",
  text: `
  WITH moved AS (
    UPDATE "LegacyWorkOrder" o SET "status" = $3, "updatedAt" = $4::timestamp(3),
      ${SET_FIELDS_SQL}
    WHERE o."id" = $1 AND o."status" = $2 AND o."migratedAt" IS NULL
      AND ($7::text IS NULL OR (o."workerId" = $7::text AND o."startedAt" = $8::timestamp(3)))
    RETURNING o."id"
  ), change AS (
    INSERT INTO "LegacyStatusChange" ("workOrderId", "fromStatus", "toStatus", "at", "workerId")
    SELECT "id", $2, $3, $4::timestamp(3), $6 FROM moved
  ), attempt AS (
    INSERT INTO "ExecutionAttempt" ("system", "role", "workOrderId", "attempt", "workerId", "startedAt", "endedAt",
      "exitCode", "errorClass", "errorMessage", "outputDigest", "outputBytes", "durationMs", "queuedMs")
    SELECT a.system::"QueueSystem", a.role::"WorkOrderRole", m."id", a.attempt, a."workerId", a."startedAt"::timestamp(3),
      a."endedAt"::timestamp(3), a."exitCode", a."errorClass", a."errorMessage", a."outputDigest", a."outputBytes",
      a."durationMs", a."queuedMs"
    FROM moved m CROSS JOIN jsonb_to_record($9::jsonb) AS a(system text, role text, attempt int, "workerId" text,
      "startedAt" text, "endedAt" text, "exitCode" int, "errorClass" text, "errorMessage" text,
      "outputDigest" text, "outputBytes" int, "durationMs" int, "queuedMs" int)
    WHERE $9::jsonb IS NOT NULL
    ON CONFLICT DO NOTHING
  )
  SELECT count(*)::int AS moved FROM moved`,
};

/**
 * The legacy system's status change, guarded like the new one's (`WHERE status = <from>`, and
 * the claim when given) with its history row (which the audit trail reads, see audit-trail.ts)
 * and attempt row, in one statement. Returns false when the order was not in `from` under that
 * claim (already moved on, failed as stalled, or migrated to the new system).
 */
export async function setLegacyStatus(
  prisma: PrismaClient,
  workOrderId: string,
  change: LegacyStatusChange,
): Promise<boolean> {
  const { from, to, workerId, fields = {}, claim, attemptRow } = change;
  const [row] = await queryPrepared<{ moved: number }>(prisma, SET_STATUS_SQL, [
    workOrderId,
    from,
    to,
    new Date().toISOString(),
    // Dates become ISO strings (Date.prototype.toJSON), which the casts read.
    JSON.stringify(fields),
    workerId,
    claim?.workerId ?? null,
    claim?.startedAt.toISOString() ?? null,
    attemptRow ? JSON.stringify(attemptRow) : null,
  ]);
  return row?.moved === 1;
}

/** What a legacy worker reads of a delivered order before it claims it. */
export interface DeliveredLegacyOrder {
  id: string;
  kind: string;
  payload: unknown;
  status: string;
  workerId: string | null;
  startedAt: Date | null;
  submittedAt: Date;
  migratedAt: Date | null;
}

const READ_DELIVERED_SQL: PreparedStatement = {
  name: "qmc_legacy_delivered_v1",
  text: `SELECT "id", "kind", "payload", "status", "workerId", "startedAt", "submittedAt", "migratedAt"
    FROM "LegacyWorkOrder" WHERE "id" = $1`,
};

/**
 * The order a delivered legacy job names, or null. A prepared statement rather than Prisma's
 * client: it runs once per legacy order, where the client's query building cost more CPU than
 * Postgres spent answering.
 */
export async function readDeliveredLegacyOrder(
  prisma: PrismaClient,
  workOrderId: string,
): Promise<DeliveredLegacyOrder | null> {
  const [row] = await queryPrepared<DeliveredLegacyOrder>(prisma, READ_DELIVERED_SQL, [workOrderId]);
  return row ?? null;
}
