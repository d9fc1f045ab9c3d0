import { planTransition, type WorkOrderState } from "@qmc/core";
import { type PreparedStatement, type PrismaClient, queryPrepared } from "@qmc/db";
import { GroupCommit } from "../shared/group-commit.ts";
import { jsonSetClauses } from "../shared/json-set-clauses.ts";
import {
  CLAIM_SQL,
  COMPLETE_SQL,
  claimParams,
  completeParams,
  isPlainClaim,
  isPlainCompletion,
} from "./hot-transitions.ts";
import {
  type AppliedTransition,
  conflictError,
  RETURNED_COLUMNS,
  SETTABLE_COLUMNS,
  type TransitionedOrder,
  type TransitionRequest,
} from "./transition-writer.ts";

interface Planned {
  request: TransitionRequest;
  /** Every step of the write, in order: the event and, after it, its followers (`followedBy`). */
  steps: Array<{ from: WorkOrderState; to: WorkOrderState; event: string }>;
  to: WorkOrderState;
}

/** The columns a request's `set` may change (attempts apart: it has its own rule below). */
const { attempts: _attempts, ...SET_COLUMNS } = SETTABLE_COLUMNS;
const SET_SQL = jsonSetClauses(SET_COLUMNS, "i.set", "w");

const BATCH_SQL: PreparedStatement = {
  name: "qmc_transition_batch_v3",
  text: `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
      idx int, id text, "from" text, "to" text, event text, at text, attempt int, expect int, inc boolean,
      worker text, metadata jsonb, actor text, set jsonb, steps jsonb, attempt_row jsonb)
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
      AND (i.expect IS NULL OR w."attempts" = i.expect)
    RETURNING ${RETURNED_COLUMNS.map((c) => `w."${c}"`).join(", ")}, i.idx AS "_idx", i."from" AS "_from", i.event AS "_event", i.at AS "_at",
              i.attempt AS "_attempt", i.worker AS "_worker", i.metadata AS "_metadata", i.actor AS "_actor",
              i.steps AS "_steps", i.attempt_row AS "_attempt_row"
  ), transition AS (
    INSERT INTO "StateTransition" ("workOrderId", "fromState", "toState", "event", "at", "attempt", "workerId", "actor", "metadata")
    SELECT m."id", s."from"::"WorkOrderState", s."to"::"WorkOrderState", s.event::"TransitionEvent", m."_at"::timestamp(3),
           COALESCE(m."_attempt", m."attempts"), m."_worker",
           -- The worker's own writes leave it null: the audit trail names them by the worker.
           NULLIF(m."_actor", 'worker:' || m."_worker"), m."_metadata"
    FROM moved m CROSS JOIN LATERAL ROWS FROM (jsonb_to_recordset(m."_steps") AS ("from" text, "to" text, event text))
      WITH ORDINALITY AS s("from", "to", event, ord)
    ORDER BY m."_idx", s.ord
  ), attempt_rows AS (
    INSERT INTO "ExecutionAttempt" ("system", "role", "workOrderId", "attempt", "workerId", "startedAt", "endedAt",
      "exitCode", "errorClass", "errorMessage", "outputDigest", "outputBytes", "durationMs", "queuedMs")
    SELECT a.system::"QueueSystem", a.role::"WorkOrderRole", m."id", a.attempt, a."workerId", a."startedAt"::timestamp(3),
           a."endedAt"::timestamp(3), a."exitCode", a."errorClass", a."errorMessage", a."outputDigest", a."outputBytes",
           a."durationMs", a."queuedMs"
    FROM moved m CROSS JOIN LATERAL jsonb_to_record(m."_attempt_row") AS a(system text, role text, attempt int,
      "workerId" text, "startedAt" text, "endedAt" text, "exitCode" int, "errorClass" text, "errorMessage" text,
      "outputDigest" text, "outputBytes" int, "durationMs" int, "queuedMs" int)
    WHERE m."_attempt_row" IS NOT NULL
    ON CONFLICT DO NOTHING
  )
  -- Only what the caller reads: the inputs carried through "moved" stay on the server.
  SELECT ${RETURNED_COLUMNS.map((c) => `"${c}"`).join(", ")}, "_idx" FROM moved`,
};

/**
 * Group commit for state transitions. Each transition keeps its own guard (`WHERE id = ? AND
 * state = <from>`) and is written with its transition row (which the audit trail reads, see
 * audit-trail.ts) and attempt row, but transitions that arrive together share one statement and
 * one commit: under load a commit (one WAL flush) carries dozens of orders instead of one. Batches form naturally — whatever queued while the previous
 * statement ran (see GroupCommit) — so an idle system still writes each transition at once.
 */
export class TransitionBatcher {
  private readonly general: GroupCommit<Planned, AppliedTransition>;
  /** The two writes of every order get statements (and batches) of their own: hot-transitions.ts. */
  private readonly claims: GroupCommit<TransitionRequest, AppliedTransition>;
  private readonly completions: GroupCommit<TransitionRequest, true>;

  constructor(
    private readonly prisma: PrismaClient,
    maxBatch = 500,
  ) {
    const general = (batch: Planned[]) => writeTransitions(this.prisma, batch);
    this.general = new GroupCommit(general, {
      maxBatch,
      key: (p) => p.request.workOrderId,
      // Alone in its own statement, a bad row fails by itself.
      writeOne: async (p) => {
        const [result] = await general([p]);
        if (result === undefined || result instanceof Error) throw result ?? new Error("no result");
        return result;
      },
      concurrency: 2,
    });
    // The worker's own claims and completions carry nothing a cast could refuse, so a failed
    // batch is not retried row by row: a batch cut after its commit would then read as refused.
    // Each write fails with the batch's error and its caller's retry, which knows it retried,
    // checks what landed (FencedWrites).
    const hot = { maxBatch, key: (r: TransitionRequest) => r.workOrderId, concurrency: 2 };
    this.claims = new GroupCommit((batch: TransitionRequest[]) => writeClaims(this.prisma, batch), hot);
    this.completions = new GroupCommit(
      (batch: TransitionRequest[]) => writeCompletions(this.prisma, batch),
      hot,
    );
  }

  /**
   * Plans every step first: an impossible event is refused at once, before any write. A plain
   * claim (CLAIM + READY by the worker itself) goes through the claim statement.
   */
  async apply(request: TransitionRequest): Promise<AppliedTransition> {
    if (isPlainClaim(request)) return this.claims.push(request);
    return this.general.push(plan(request));
  }

  /**
   * Writes a transition whose caller reads nothing back: a plain completion (RUNNING → COMPLETED
   * with its attempt row) through its own statement, anything else as {@link apply} does.
   * @throws as {@link apply}
   */
  async write(request: TransitionRequest): Promise<void> {
    if (isPlainCompletion(request)) await this.completions.push(request);
    else await this.apply(request);
  }
}

/** Claims in one statement; each result is the order as claimed, or why it could not be. */
async function writeClaims(
  prisma: PrismaClient,
  batch: TransitionRequest[],
): Promise<Array<AppliedTransition | Error>> {
  const rows = await queryPrepared<TransitionedOrder & { _idx: string }>(
    prisma,
    CLAIM_SQL,
    claimParams(batch, new Date()),
  );
  // unnest's ordinality counts from 1.
  const byIdx = new Map(rows.map(({ _idx, ...order }) => [Number(_idx) - 1, order as TransitionedOrder]));
  return settle(prisma, batch, byIdx, (order) => ({ from: "PENDING", to: "RUNNING", event: "CLAIM", order }));
}

/** Completions in one statement; each result is `true`, or why it could not be written. */
async function writeCompletions(
  prisma: PrismaClient,
  batch: TransitionRequest[],
): Promise<Array<true | Error>> {
  const rows = await queryPrepared<{ _idx: string }>(prisma, COMPLETE_SQL, completeParams(batch, new Date()));
  const byIdx = new Map(rows.map((row) => [Number(row._idx) - 1, true as const]));
  return settle(prisma, batch, byIdx, () => true as const);
}

/**
 * One result per request, in order: what `moved` (by input position) gives for a request that
 * moved, the guard's refusal (conflict, stale attempt, no such order) for one that did not.
 */
async function settle<M, R>(
  prisma: PrismaClient,
  requests: TransitionRequest[],
  moved: Map<number, M>,
  result: (moved: M, request: TransitionRequest, idx: number) => R,
): Promise<Array<R | Error>> {
  const missing = requests.filter((_, idx) => !moved.has(idx)).map((r) => r.workOrderId);
  const states = new Map(
    missing.length
      ? (
          await prisma.workOrder.findMany({
            where: { id: { in: missing } },
            select: { id: true, state: true, attempts: true },
          })
        ).map((o) => [o.id, o])
      : [],
  );
  return requests.map((request, idx) => {
    const row = moved.get(idx);
    if (row !== undefined) return result(row, request, idx);
    const { workOrderId, from, event } = request;
    return conflictError(workOrderId, from, event, states.get(workOrderId) ?? null, request.expectAttempts);
  });
}

/**
 * One transition (with its `followedBy` steps) written on its own, right away: for callers
 * outside a worker's hot path, e.g. an operator's cancel. Same statement as the batches.
 * @throws DomainError INVALID_TRANSITION | TRANSITION_CONFLICT | WORK_ORDER_NOT_FOUND
 */
export async function applyTransition(
  prisma: PrismaClient,
  request: TransitionRequest,
): Promise<AppliedTransition> {
  const [result] = await writeTransitions(prisma, [plan(request)]);
  if (!result || result instanceof Error) throw result ?? new Error("the transition write returned nothing");
  return result;
}

function plan(request: TransitionRequest): Planned {
  const steps: Planned["steps"] = [];
  let from = request.from;
  for (const [i, event] of [request.event, ...(request.followedBy ?? [])].entries()) {
    const { to } = planTransition(from, event, i === 0 ? request.failOutcome : undefined);
    steps.push({ from, to, event });
    from = to;
  }
  return { request, steps, to: from };
}

/** Writes a batch in one statement; one result (or Error) per request, in order. */
async function writeTransitions(
  prisma: PrismaClient,
  batch: Planned[],
): Promise<Array<AppliedTransition | Error>> {
  const at = new Date().toISOString();
  const input = batch.map((p, idx) => ({
    idx,
    id: p.request.workOrderId,
    from: p.request.from,
    to: p.to,
    event: p.request.event,
    at,
    attempt: p.request.attempt ?? null,
    expect: p.request.expectAttempts ?? null,
    inc: p.request.incrementAttempts ?? false,
    worker: p.request.workerId ?? null,
    metadata: p.request.metadata ?? null,
    actor: p.request.actor,
    // Dates become ISO text in JSON.stringify (Date.prototype.toJSON), which the casts read.
    set: p.request.set ?? {},
    steps: p.steps,
    attempt_row: p.request.attemptRow ?? null,
  }));
  // Prepared once per connection: planning this statement cost more than running it for a batch.
  const rows = await queryPrepared<TransitionedOrder & Record<string, unknown>>(prisma, BATCH_SQL, [
    JSON.stringify(input),
    input.map((row) => row.id),
  ]);
  const byIdx = new Map(rows.map(({ _idx, ...order }) => [Number(_idx), order as TransitionedOrder]));
  return settle(
    prisma,
    batch.map((p) => p.request),
    byIdx,
    (order, request, idx): AppliedTransition => ({
      from: request.from,
      to: batch[idx]?.to ?? request.from,
      event: request.event,
      order,
    }),
  );
}
