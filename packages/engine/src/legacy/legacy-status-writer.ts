import type { LegacyStatus } from "@qmc/core";
import { type PreparedStatement, type Prisma, type PrismaClient, queryPrepared } from "@qmc/db";
import { GroupCommit } from "../shared/group-commit.ts";
import { jsonSetClauses } from "../shared/json-set-clauses.ts";

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

const SET_FIELDS_SQL = jsonSetClauses(FIELD_TYPES, "i.fields", "o");

/**
 * Status changes of many orders in one statement (one round trip, one commit): each its own
 * guarded update, with its history row and attempt row only when the update matched.
 * $1 the changes (jsonb: idx, id, from, to, worker, fields, claim_worker, claim_started,
 * attempt_row), $2 the write's time, $3 the ids again (lets the planner use the primary key).
 * Returns the positions (`idx`) of the changes that landed.
 */
const SET_STATUSES_SQL: PreparedStatement = {
  name: "qmc_legacy_statuses_v1",
  text: `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(idx int, id text, "from" text, "to" text, worker text,
      fields jsonb, claim_worker text, claim_started text, attempt_row jsonb)
  ), moved AS (
    UPDATE "LegacyWorkOrder" o SET "status" = i."to", "updatedAt" = $2::timestamp(3),
      ${SET_FIELDS_SQL}
    FROM input i
    WHERE o."id" = ANY($3::text[]) AND o."id" = i.id AND o."status" = i."from" AND o."migratedAt" IS NULL
      AND (i.claim_worker IS NULL
        OR (o."workerId" = i.claim_worker AND o."startedAt" = i.claim_started::timestamp(3)))
    RETURNING i.idx, i.id, i."from", i."to", i.worker, i.attempt_row
  ), change AS (
    INSERT INTO "LegacyStatusChange" ("workOrderId", "fromStatus", "toStatus", "at", "workerId")
    SELECT id, "from", "to", $2::timestamp(3), worker FROM moved ORDER BY idx
  ), attempt AS (
    INSERT INTO "ExecutionAttempt" ("system", "role", "workOrderId", "attempt", "workerId", "startedAt", "endedAt",
      "exitCode", "errorClass", "errorMessage", "outputDigest", "outputBytes", "durationMs", "queuedMs")
    SELECT a.system::"QueueSystem", a.role::"WorkOrderRole", m.id, a.attempt, a."workerId", a."startedAt"::timestamp(3),
      a."endedAt"::timestamp(3), a."exitCode", a."errorClass", a."errorMessage", a."outputDigest", a."outputBytes",
      a."durationMs", a."queuedMs"
    FROM moved m CROSS JOIN LATERAL jsonb_to_record(m.attempt_row) AS a(system text, role text, attempt int,
      "workerId" text, "startedAt" text, "endedAt" text, "exitCode" int, "errorClass" text, "errorMessage" text,
      "outputDigest" text, "outputBytes" int, "durationMs" int, "queuedMs" int)
    WHERE m.attempt_row IS NOT NULL
    ON CONFLICT DO NOTHING
  )
  SELECT idx FROM moved`,
};

/** One order's change, as the batched statement takes it. */
export interface LegacyStatusWrite {
  workOrderId: string;
  change: LegacyStatusChange;
}

/** Writes the changes in one statement; for each, whether it landed (see {@link setLegacyStatus}). */
export async function setLegacyStatuses(
  prisma: PrismaClient,
  writes: LegacyStatusWrite[],
): Promise<boolean[]> {
  // Dates become ISO strings (Date.prototype.toJSON), which the casts read.
  const input = writes.map(({ workOrderId, change }, idx) => ({
    idx,
    id: workOrderId,
    from: change.from,
    to: change.to,
    worker: change.workerId,
    fields: change.fields ?? {},
    claim_worker: change.claim?.workerId ?? null,
    claim_started: change.claim?.startedAt ?? null,
    attempt_row: change.attemptRow ?? null,
  }));
  const rows = await queryPrepared<{ idx: number }>(prisma, SET_STATUSES_SQL, [
    JSON.stringify(input),
    new Date().toISOString(),
    input.map((row) => row.id),
  ]);
  const landed = new Set(rows.map((row) => Number(row.idx)));
  return writes.map((_, idx) => landed.has(idx));
}

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
  const [landed] = await setLegacyStatuses(prisma, [{ workOrderId, change }]);
  return landed === true;
}

/**
 * Group commit for a legacy worker's status changes (see GroupCommit): changes that arrive
 * together — dozens of orders at the worker's concurrency — share one statement and one commit,
 * each keeping its own guard. An idle worker writes each at once.
 */
export class LegacyStatusBatcher {
  private readonly group: GroupCommit<LegacyStatusWrite, boolean>;

  constructor(prisma: PrismaClient, maxBatch = 200) {
    const write = (batch: LegacyStatusWrite[]) => setLegacyStatuses(prisma, batch);
    this.group = new GroupCommit(write, {
      maxBatch,
      key: (w) => w.workOrderId,
      // No retry of a failed batch row by row: a batch cut after its commit would then read as
      // refused. Every change fails with the batch's error, and its caller's retry (which knows
      // it retried) checks whether its change landed before trying again.
      concurrency: 2,
    });
  }

  /** As {@link setLegacyStatus}, batched with whatever else is being written. */
  set(workOrderId: string, change: LegacyStatusChange): Promise<boolean> {
    return this.group.push({ workOrderId, change });
  }
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
