import {
  acknowledgeDecision,
  findGateDecisions,
  type LastEvaluation,
  readGateDecision,
  readLastEvaluation,
  readThresholdSettings,
  type ThresholdChange,
  updateThresholdSetting,
} from "@qmc/engine";
import type { z } from "zod";
import { unknownCursor } from "../../schemas/page-cursor.ts";
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
      const page = await findGateDecisions(ctx.services.prisma, input);
      if (page.unknownCursor) throw unknownCursor("gateDecision", input.cursor);
      return page;
    }),

  /** One decision with everything it was decided on: values, window, sample, threshold, action. */
  decision: viewerProcedure
    .input(ZDecisionId)
    .output(ZGateDecisionDetail)
    .query(({ ctx, input }) => readGateDecision(ctx.services.prisma, input.id)),

  /**
   * An operator acknowledges an open decision with a reason. Acknowledging a pause lifts it (the
   * same as rollout.resume); an alert stays until its value recovers.
   */
  acknowledge: rolloutWriteProcedure
    .input(ZAcknowledgeRequest)
    .output(ZGateDecision)
    .mutation(({ ctx, input }) =>
      acknowledgeDecision(ctx.services, input.id, { ...actorOf(ctx.user), reason: input.reason }),
    ),
});
