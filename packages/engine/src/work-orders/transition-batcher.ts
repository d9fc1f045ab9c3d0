import { planTransition, type WorkOrderState } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import { GroupCommit } from "../shared/group-commit.ts";
import {
  type AppliedTransition,
  applyTransition,
  conflictError,
  RETURNED_COLUMNS,
  SETTABLE_COLUMNS,
  type TransitionedOrder,
  type TransitionRequest,
} from "./transition-writer.ts";

interface Planned {
  request: TransitionRequest;
  to: WorkOrderState;
}

/** One column update driven by the request's `set` object: kept when the key is absent. */
const SET_SQL = Object.entries(SETTABLE_COLUMNS)
  .filter(([column]) => column !== "attempts")
  .map(
    ([column, type]) =>
      `"${column}" = CASE WHEN i.set ? '${column}' THEN (i.set->>'${column}')::${type} ELSE w."${column}" END`,
  )
  .join(",\n        ");

const BATCH_SQL = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
      idx int, id text, "from" text, "to" text, event text, at text, attempt int, inc boolean,
      worker text, metadata jsonb, actor text, set jsonb)
  ), moved AS (
    UPDATE "WorkOrder" w SET
        "state" = i."to"::"WorkOrderState",
        "updatedAt" = i.at::timestamp(3),
        "attempts" = CASE WHEN i.inc THEN w."attempts" + 1
                          WHEN i.set ? 'attempts' THEN (i.set->>'attempts')::int ELSE w."attempts" END,
        ${SET_SQL}
    FROM input i
    -- The id list lets the planner use the primary key; joining on the recordset alone makes it
    -- scan the whole table (it guesses 100 input rows), which grows with every order ever made.
    WHERE w."id" = ANY($2::text[]) AND w."id" = i.id AND w."state" = i."from"::"WorkOrderState"
    RETURNING ${RETURNED_COLUMNS.map((c) => `w."${c}"`).join(", ")}, i.idx AS "_idx", i."from" AS "_from", i.event AS "_event", i.at AS "_at",
              i.attempt AS "_attempt", i.worker AS "_worker", i.metadata AS "_metadata", i.actor AS "_actor"
  ), transition AS (
    INSERT INTO "StateTransition" ("workOrderId", "fromState", "toState", "event", "at", "attempt", "workerId", "metadata")
    SELECT "id", "_from"::"WorkOrderState", "state", "_event"::"TransitionEvent", "_at"::timestamp(3),
           COALESCE("_attempt", "attempts"), "_worker", "_metadata"
    FROM moved
  ), audit AS (
    INSERT INTO "AuditEvent" ("at", "actor", "action", "subjectType", "subjectId", "before", "after")
    SELECT "_at"::timestamp(3), "_actor", 'work_order.transition', 'WorkOrder', "id",
           jsonb_build_object('state', "_from"),
           jsonb_build_object('state', "state"::text, 'event', "_event", 'attempt', COALESCE("_attempt", "attempts"))
             || COALESCE("_metadata", '{}'::jsonb)
    FROM moved
  )
  SELECT * FROM moved`;

/**
 * Group commit for state transitions. Each transition keeps its own guard (`WHERE id = ? AND
 * state = <from>`) and is written with its transition row and audit event, but transitions that
 * arrive together share one statement and one commit: under load a commit (one WAL flush) carries
 * dozens of orders instead of one. Batches form naturally — whatever queued while the previous
 * statement ran (see GroupCommit) — so an idle system still writes each transition at once.
 */
export class TransitionBatcher {
  private readonly group: GroupCommit<Planned, AppliedTransition>;

  constructor(
    private readonly prisma: PrismaClient,
    maxBatch = 500,
  ) {
    this.group = new GroupCommit((batch) => this.write(batch), {
      maxBatch,
      key: (p) => p.request.workOrderId,
      writeOne: (p) => applyTransition(this.prisma, p.request),
      concurrency: 4,
    });
  }

  async apply(request: TransitionRequest): Promise<AppliedTransition> {
    // Plan first: an impossible event is refused at once, as applyTransition would.
    const { to } = planTransition(request.from, request.event, request.failOutcome);
    return this.group.push({ request, to });
  }

  private async write(batch: Planned[]): Promise<Array<AppliedTransition | Error>> {
    const at = new Date().toISOString();
    const input = batch.map((p, idx) => ({
      idx,
      id: p.request.workOrderId,
      from: p.request.from,
      to: p.to,
      event: p.request.event,
      at,
      attempt: p.request.attempt ?? null,
      inc: p.request.incrementAttempts ?? false,
      worker: p.request.workerId ?? null,
      metadata: p.request.metadata ?? null,
      actor: p.request.actor,
      set: Object.fromEntries(
        Object.entries(p.request.set ?? {}).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
      ),
    }));
    const rows = await this.prisma.$queryRawUnsafe<Array<TransitionedOrder & Record<string, unknown>>>(
      BATCH_SQL,
      JSON.stringify(input),
      input.map((row) => row.id),
    );
    const byIdx = new Map(rows.map((row) => [Number(row._idx), row]));
    const missing = batch.filter((_, idx) => !byIdx.has(idx)).map((p) => p.request.workOrderId);
    const states = new Map(
      missing.length
        ? (
            await this.prisma.workOrder.findMany({
              where: { id: { in: missing } },
              select: { id: true, state: true },
            })
          ).map((o) => [o.id, o.state])
        : [],
    );
    return batch.map((p, idx) => {
      const row = byIdx.get(idx);
      const { workOrderId, from, event } = p.request;
      if (!row) return conflictError(workOrderId, from, event, states.get(workOrderId) ?? null);
      const { _idx, _from, _event, _at, _attempt, _worker, _metadata, _actor, ...order } = row;
      return { from, to: p.to, event, order: order as TransitionedOrder };
    });
  }
}
