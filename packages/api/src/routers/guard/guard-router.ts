import { DomainError } from "@qmc/core";
import type { Prisma } from "@qmc/db";
import {
  acknowledgeDecision,
  type LastEvaluation,
  readLastEvaluation,
  readThresholdSettings,
  type ThresholdChange,
  updateThresholdSetting,
} from "@qmc/engine";
import type { z } from "zod";
import { requireCursorRow } from "../../schemas/page-cursor.ts";
import type { ApiServices } from "../../services.ts";
import {
  actorOf,
  adminProcedure,
  createTRPCRouter,
  rolloutWriteProcedure,
  viewerProcedure,
} from "../../trpc.ts";
import {
  ZAcknowledgeRequest,
  ZAlertsPage,
  ZAlertsRequest,
  ZDecisionId,
  ZGateDecision,
  ZGateDecisionDetail,
  ZStoredThresholdSetting,
  ZThresholdTable,
  ZUpdateThresholdRequest,
} from "./guard-schemas.ts";

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

/** The live values: the latest evaluation, stale when no guard evaluated for three intervals. */
function tableOf(settings: Awaited<ReturnType<typeof readThresholdSettings>>, last: LastEvaluation | null) {
  const at = last ? new Date(last.at) : null;
  const stale = !last || !at || Date.now() - at.getTime() > 3 * Math.max(1000, last.intervalMs);
  return {
    evaluatedAt: at,
    evaluatedBy: last?.workerId ?? null,
    stale,
    rules: settings.map((s) => ({
      ...s,
      evaluations: (last?.evaluations ?? []).filter((e) => e.metric === s.metric),
    })),
  };
}

/** Only the fields the request carries: null clears a memory field back to its default. */
function changeOf(input: z.infer<typeof ZUpdateThresholdRequest>): ThresholdChange {
  const { metric: _metric, reason: _reason, restoreBelow, holdSeconds, ...rest } = input;
  return {
    ...rest,
    ...("restoreBelow" in input ? { restoreBelow: restoreBelow ?? undefined } : {}),
    ...("holdSeconds" in input ? { holdSeconds: holdSeconds ?? undefined } : {}),
  };
}

function services(ctx: { services: ApiServices }) {
  return { prisma: ctx.services.prisma, liveConfig: ctx.services.liveConfig };
}

export const guardRouter = createTRPCRouter({
  /** The four rules with their limits and, from the guard's latest evaluation, their live values. */
  thresholds: viewerProcedure.output(ZThresholdTable).query(async ({ ctx }) => {
    const [settings, last] = await Promise.all([
      readThresholdSettings(ctx.services.prisma),
      readLastEvaluation(ctx.services.publisher, ctx.services.queuePrefix),
    ]);
    return tableOf(settings, last);
  }),

  /** An admin edits one rule: validated (INVALID_THRESHOLD lists every problem), audited with before/after. */
  updateThreshold: adminProcedure
    .input(ZUpdateThresholdRequest)
    .output(ZStoredThresholdSetting)
    .mutation(({ ctx, input }) =>
      updateThresholdSetting(ctx.services.prisma, input.metric, changeOf(input), {
        ...actorOf(ctx.user),
        reason: input.reason,
      }),
    ),

  /** Decisions (pauses, alerts, memory reductions), newest first; `cursor` is the last id of the previous page. */
  alerts: viewerProcedure
    .input(ZAlertsRequest)
    .output(ZAlertsPage)
    .query(async ({ ctx, input }) => {
      const where: Prisma.GateDecisionWhereInput = {
        ...(input.status ? { status: { in: input.status } } : {}),
        ...(input.metric ? { metric: input.metric } : {}),
        ...(input.subject ? { subject: input.subject } : {}),
      };
      const rows = await ctx.services.prisma.gateDecision.findMany({
        where,
        select: DECISION_FIELDS,
        orderBy: [{ at: "desc" }, { id: "desc" }],
        take: input.limit + 1,
        ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
      });
      await requireCursorRow("gateDecision", input.cursor, rows.length, (id) =>
        ctx.services.prisma.gateDecision.findUnique({ where: { id }, select: { id: true } }),
      );
      const items = rows.slice(0, input.limit);
      return { items, nextCursor: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null };
    }),

  /** One decision with everything it was decided on: values, window, sample, threshold, action. */
  decision: viewerProcedure
    .input(ZDecisionId)
    .output(ZGateDecisionDetail)
    .query(async ({ ctx, input }) => {
      const row = await ctx.services.prisma.gateDecision.findUnique({ where: { id: input.id } });
      if (!row)
        throw new DomainError("GATE_DECISION_NOT_FOUND", `No health decision has the id ${input.id}.`);
      return { ...row, inputs: row.inputs as Record<string, unknown> };
    }),

  /**
   * An operator acknowledges an open decision with a reason. Acknowledging a pause lifts it (the
   * same as rollout.resume); an alert stays until its value recovers.
   */
  acknowledge: rolloutWriteProcedure
    .input(ZAcknowledgeRequest)
    .output(ZGateDecision)
    .mutation(({ ctx, input }) =>
      acknowledgeDecision(services(ctx), input.id, { ...actorOf(ctx.user), reason: input.reason }),
    ),
});
