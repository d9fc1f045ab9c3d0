import { DomainError } from "@qmc/core";
import type { AlertStatus, PrismaClient, ThresholdMetric } from "@qmc/db";
import { type CursorPageRequest, cursorPageArgs, cursorPageOf } from "../shared/cursor-page.ts";

/** The reads of the guard's decisions (pauses, alerts, memory reductions), beside their writes. */

/** A decision as lists show it: everything but the inputs it was decided on. */
const DECISION_FIELDS = {
  id: true,
  at: true,
  metric: true,
  subject: true,
  value: true,
  limit: true,
  windowSeconds: true,
  sampleSize: true,
  action: true,
  explanation: true,
  status: true,
  acknowledgedBy: true,
  acknowledgedAt: true,
  acknowledgedReason: true,
  resolvedAt: true,
  resolution: true,
} as const;

export interface DecisionFilter extends CursorPageRequest {
  status?: AlertStatus[] | undefined;
  metric?: ThresholdMetric | undefined;
  subject?: string | undefined;
}

/** Decisions matching the filter, newest first. */
export async function findGateDecisions(prisma: PrismaClient, filter: DecisionFilter) {
  const rows = await prisma.gateDecision.findMany({
    where: {
      ...(filter.status ? { status: { in: filter.status } } : {}),
      ...(filter.metric ? { metric: filter.metric } : {}),
      ...(filter.subject ? { subject: filter.subject } : {}),
    },
    select: DECISION_FIELDS,
    orderBy: [{ at: "desc" }, { id: "desc" }],
    ...cursorPageArgs(filter),
  });
  return cursorPageOf(rows, filter, (id) =>
    prisma.gateDecision.findUnique({ where: { id }, select: { id: true } }),
  );
}

/**
 * One decision with everything it was decided on: values, window, sample, threshold, action.
 *
 * @throws DomainError GATE_DECISION_NOT_FOUND
 */
export async function readGateDecision(prisma: PrismaClient, id: string) {
  const row = await prisma.gateDecision.findUnique({ where: { id } });
  if (!row) throw new DomainError("GATE_DECISION_NOT_FOUND", `No health decision has the id ${id}.`);
  return { ...row, inputs: row.inputs as Record<string, unknown> };
}
