import type { PreparedStatement } from "@qmc/db";
import { RETURNED_COLUMNS, type TransitionRequest } from "./transition-writer.ts";

/**
 * The two writes every order of the new system makes — the claim (CLAIM + READY, a new attempt)
 * and the completion (COMPLETE with the attempt's row) — as statements of their own, with typed
 * array parameters (`unnest`) instead of the general statement's JSON recordsets and per-column
 * CASEs: Postgres parses plain arrays, plans one fixed shape, and the completion returns only
 * which orders moved. Same guards, same rows as the general statement (transition-batcher.ts).
 */

const returned = (alias: string) => RETURNED_COLUMNS.map((c) => `${alias}."${c}"`).join(", ");

/**
 * $1 ids, $2 expected attempt counts (null: any), $3 worker ids, $4 start times, $5 the write's
 * time. Each order moves PENDING → PREPARING → RUNNING with attempts + 1, one history row per
 * step; the worker's own write, so the rows' actor stays null (it is `worker:<id>`).
 */
export const CLAIM_SQL: PreparedStatement = {
  name: "qmc_claim_v1",
  text: `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamp(3)[])
      WITH ORDINALITY AS x(id, expect, worker, started_at, idx)
  ), moved AS (
    UPDATE "WorkOrder" w SET "state" = 'RUNNING', "updatedAt" = $5::timestamp(3), "attempts" = w."attempts" + 1,
      "workerId" = i.worker, "startedAt" = i.started_at
    FROM input i
    WHERE w."id" = ANY($1::text[]) AND w."id" = i.id AND w."state" = 'PENDING'
      AND (i.expect IS NULL OR w."attempts" = i.expect)
    RETURNING ${returned("w")}, i.idx AS "_idx"
  ), history AS (
    INSERT INTO "StateTransition" ("workOrderId", "fromState", "toState", "event", "at", "attempt", "workerId")
    SELECT m."id", s.from_state, s.to_state, s.event, $5::timestamp(3), m."attempts", m."workerId"
    FROM moved m CROSS JOIN (VALUES
      (1, 'PENDING'::"WorkOrderState", 'PREPARING'::"WorkOrderState", 'CLAIM'::"TransitionEvent"),
      (2, 'PREPARING'::"WorkOrderState", 'RUNNING'::"WorkOrderState", 'READY'::"TransitionEvent")
    ) AS s(ord, from_state, to_state, event)
    ORDER BY m."_idx", s.ord
  )
  SELECT * FROM moved`,
};

/**
 * $1 ids, $2 attempts (the fencing token), $3 worker ids, $4 exit codes, $5 output digests,
 * $6 outputs, $7 output bytes, $8 run durations (ms), $9 queue waits (ms), $10 end times, $11
 * the write's time. RUNNING → COMPLETED at that attempt, its history row and its attempt row.
 * Returns the input positions that moved, nothing else: the executor reads nothing back.
 */
export const COMPLETE_SQL: PreparedStatement = {
  name: "qmc_complete_v1",
  text: `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[],
        $8::int[], $9::int[], $10::timestamp(3)[])
      WITH ORDINALITY AS x(id, attempt, worker, exit_code, output_digest, output, output_bytes, duration_ms,
        queued_ms, ended_at, idx)
  ), moved AS (
    UPDATE "WorkOrder" w SET "state" = 'COMPLETED', "updatedAt" = $11::timestamp(3), "finishedAt" = i.ended_at,
      "exitCode" = i.exit_code, "outputDigest" = i.output_digest, "output" = i.output,
      "errorClass" = NULL, "errorMessage" = NULL
    FROM input i
    WHERE w."id" = ANY($1::text[]) AND w."id" = i.id AND w."state" = 'RUNNING' AND w."attempts" = i.attempt
    RETURNING w."role", w."startedAt", i.*
  ), history AS (
    INSERT INTO "StateTransition" ("workOrderId", "fromState", "toState", "event", "at", "attempt", "workerId")
    SELECT "id", 'RUNNING', 'COMPLETED', 'COMPLETE', $11::timestamp(3), "attempt", "worker"
    FROM moved ORDER BY "idx"
  ), attempt_rows AS (
    INSERT INTO "ExecutionAttempt" ("system", "role", "workOrderId", "attempt", "workerId", "startedAt", "endedAt",
      "exitCode", "outputDigest", "outputBytes", "durationMs", "queuedMs")
    SELECT 'NEW', "role", "id", "attempt", "worker", COALESCE("startedAt", "ended_at"), "ended_at", "exit_code",
      "output_digest", "output_bytes", "duration_ms", "queued_ms"
    FROM moved
    ON CONFLICT DO NOTHING
  )
  SELECT "idx" AS "_idx" FROM moved`,
};

/** A claim the dedicated statement can write: CLAIM then READY, a new attempt, nothing else set. */
export function isPlainClaim(request: TransitionRequest): boolean {
  const set = request.set ?? {};
  return (
    request.event === "CLAIM" &&
    request.from === "PENDING" &&
    request.incrementAttempts === true &&
    request.followedBy?.length === 1 &&
    request.followedBy[0] === "READY" &&
    request.actor === `worker:${request.workerId}` &&
    request.metadata === undefined &&
    request.attemptRow === undefined &&
    Object.keys(set).every((key) => key === "workerId" || key === "startedAt") &&
    set.workerId === request.workerId &&
    set.startedAt instanceof Date
  );
}

/** A completion the dedicated statement can write: RUNNING → COMPLETED at an attempt, with its row. */
export function isPlainCompletion(request: TransitionRequest): boolean {
  return (
    request.event === "COMPLETE" &&
    request.from === "RUNNING" &&
    request.attempt !== undefined &&
    request.expectAttempts === request.attempt &&
    !request.incrementAttempts &&
    request.followedBy === undefined &&
    request.actor === `worker:${request.workerId}` &&
    request.metadata === undefined &&
    request.attemptRow !== undefined
  );
}

const dateOf = (value: unknown) => (value instanceof Date ? value : new Date(String(value)));

export function claimParams(batch: TransitionRequest[], at: Date): unknown[] {
  return [
    batch.map((r) => r.workOrderId),
    batch.map((r) => r.expectAttempts ?? null),
    batch.map((r) => r.workerId ?? null),
    batch.map((r) => dateOf(r.set?.startedAt).toISOString()),
    at.toISOString(),
  ];
}

export function completeParams(batch: TransitionRequest[], at: Date): unknown[] {
  const row = (r: TransitionRequest) => r.attemptRow ?? {};
  return [
    batch.map((r) => r.workOrderId),
    batch.map((r) => r.attempt),
    batch.map((r) => r.workerId ?? null),
    batch.map((r) => r.set?.exitCode ?? null),
    batch.map((r) => r.set?.outputDigest ?? null),
    batch.map((r) => r.set?.output ?? null),
    batch.map((r) => row(r).outputBytes ?? null),
    batch.map((r) => row(r).durationMs ?? null),
    batch.map((r) => row(r).queuedMs ?? null),
    batch.map((r) => dateOf(r.set?.finishedAt ?? row(r).endedAt ?? at).toISOString()),
    at.toISOString(),
  ];
}
