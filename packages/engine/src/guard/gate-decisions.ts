import { DomainError, type EvaluationAction, type ThresholdMetric } from "@qmc/core";
import type { GateDecision, Prisma } from "@qmc/db";
import type { DecisionInputs } from "./decision-inputs.ts";
import { GUARD_DECISION_LOCK } from "./guard-keys.ts";

type Tx = Prisma.TransactionClient;

/** A decision not yet resolved: OPEN, or ACKNOWLEDGED by an operator while the value is still bad. */
export const UNRESOLVED = ["OPEN", "ACKNOWLEDGED"] as const;

/** Serialises decision writes across workers and web processes (held to the transaction's end). */
export async function lockDecisions(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${GUARD_DECISION_LOCK}))`;
}

/** The audit action that records a decision being taken. */
export function openedAuditAction(action: EvaluationAction): string {
  if (action === "PAUSE_ROLLOUT") return "guard.pause";
  if (action === "REDUCE_CONCURRENCY") return "guard.reduce_concurrency";
  return "guard.alert";
}

/** The audit action that records a decision resolving. */
export function resolvedAuditAction(action: string): string {
  if (action === "PAUSE_ROLLOUT") return "guard.pause_resolved";
  if (action === "REDUCE_CONCURRENCY") return "guard.restore_concurrency";
  return "guard.alert_resolved";
}

export interface NewDecision {
  metric: ThresholdMetric;
  subject: string;
  action: EvaluationAction;
  inputs: DecisionInputs;
  actor: string;
}

/**
 * Opens a decision with its audit event, unless one is already unresolved for the same metric and
 * subject (one at a time: evaluations are level-triggered). Call under {@link lockDecisions}.
 * Returns null when one was already there.
 */
export async function openDecision(tx: Tx, d: NewDecision): Promise<GateDecision | null> {
  const existing = await tx.gateDecision.findFirst({
    where: { metric: d.metric, subject: d.subject, status: { in: [...UNRESOLVED] } },
    select: { id: true },
  });
  if (existing) return null;
  const { inputs } = d;
  const row = await tx.gateDecision.create({
    data: {
      metric: d.metric,
      subject: d.subject,
      value: inputs.values.value,
      limit: inputs.threshold.limit,
      windowSeconds: inputs.window.seconds,
      sampleSize: inputs.sample.size,
      action: d.action,
      inputs: inputs as unknown as Prisma.InputJsonValue,
      explanation: inputs.explanation,
    },
  });
  await tx.auditEvent.create({
    data: {
      actor: d.actor,
      action: openedAuditAction(d.action),
      subjectType: "GateDecision",
      subjectId: row.id,
      after: { ...(auditView(row) as object), inputs: inputs as unknown as Prisma.InputJsonValue },
      reason: inputs.explanation,
    },
  });
  return row;
}

/** Resolves an unresolved decision with what resolved it (audited); false when it was already resolved. */
export async function resolveDecision(
  tx: Tx,
  id: string,
  resolution: string,
  actor: string,
): Promise<boolean> {
  const before = await tx.gateDecision.findUnique({ where: { id } });
  if (!before || before.status === "RESOLVED") return false;
  const after = await tx.gateDecision.update({
    where: { id },
    data: { status: "RESOLVED", resolvedAt: new Date(), resolution },
  });
  await tx.auditEvent.create({
    data: {
      actor,
      action: resolvedAuditAction(after.action),
      subjectType: "GateDecision",
      subjectId: id,
      before: auditView(before),
      after: auditView(after),
      reason: resolution,
    },
  });
  return true;
}

/** Marks one OPEN decision acknowledged by an operator, audited. Call under {@link lockDecisions}. */
export async function markAcknowledged(
  tx: Tx,
  id: string,
  who: { actor: string; actorUserId?: string | null; reason: string },
): Promise<GateDecision> {
  const before = await tx.gateDecision.findUnique({ where: { id } });
  if (!before) throw notFound(id);
  if (before.status !== "OPEN") throw notOpen(before);
  const after = await tx.gateDecision.update({
    where: { id },
    data: {
      status: "ACKNOWLEDGED",
      acknowledgedBy: who.actor,
      acknowledgedAt: new Date(),
      acknowledgedReason: who.reason.trim(),
    },
  });
  await tx.auditEvent.create({
    data: {
      actor: who.actor,
      actorUserId: who.actorUserId ?? null,
      action: "guard.acknowledge",
      subjectType: "GateDecision",
      subjectId: id,
      before: auditView(before),
      after: auditView(after),
      reason: who.reason.trim(),
    },
  });
  return after;
}

export function notFound(id: string): DomainError {
  return new DomainError("GATE_DECISION_NOT_FOUND", `No health decision has the id ${id}.`, { id });
}

export function notOpen(d: Pick<GateDecision, "id" | "status">): DomainError {
  return new DomainError(
    "GATE_DECISION_NOT_OPEN",
    `Decision ${d.id} is ${d.status.toLowerCase()}; only an open decision can be acknowledged.`,
    { id: d.id, status: d.status },
  );
}

/** A decision in the audit trail: the row without its (large) inputs, which the decision keeps. */
function auditView(d: GateDecision): Prisma.InputJsonValue {
  return {
    id: d.id,
    metric: d.metric,
    subject: d.subject,
    value: d.value,
    limit: d.limit,
    windowSeconds: d.windowSeconds,
    sampleSize: d.sampleSize,
    action: d.action,
    status: d.status,
    explanation: d.explanation,
    acknowledgedBy: d.acknowledgedBy,
    acknowledgedReason: d.acknowledgedReason,
    resolution: d.resolution,
  };
}
