import { THRESHOLD_ACTIONS, THRESHOLD_METRICS } from "@qmc/core";
import { z } from "zod";
import { pageCursor } from "../../schemas/page-cursor.ts";
import { ZReason } from "../../trpc.ts";

/** Request and response shapes of the guard's procedures (health thresholds, decisions, alerts). */
export const ZThresholdMetric = z.enum(THRESHOLD_METRICS);
const ZDecisionStatus = z.enum(["OPEN", "ACKNOWLEDGED", "RESOLVED"]);
const ZDecisionAction = z.enum([...THRESHOLD_ACTIONS, "RESTORE_CONCURRENCY"]);
const ZEvaluationStatus = z.enum(["ok", "breached", "insufficient-data"]);
const ZValues = z.record(z.string(), z.unknown());

export const ZThresholdSetting = z.object({
  metric: ZThresholdMetric,
  limit: z.number(),
  action: z.enum(THRESHOLD_ACTIONS),
  windowSeconds: z.number().int(),
  minSample: z.number().int(),
  enabled: z.boolean(),
  restoreBelow: z.number().optional(),
  holdSeconds: z.number().int().optional(),
});

export const ZStoredThresholdSetting = ZThresholdSetting.extend({
  /** Null while the rule is the seed's default. */
  updatedBy: z.string().nullable(),
  updatedAt: z.date().nullable(),
});

/** One rule's latest evaluation for one subject ("NEW", or a worker for memory). */
export const ZRuleEvaluation = z.object({
  subject: z.string(),
  status: ZEvaluationStatus,
  value: z.number().nullable(),
  limit: z.number(),
  sampleSize: z.number().int(),
  minSample: z.number().int(),
  action: ZDecisionAction.nullable(),
  explanation: z.string(),
  windowSeconds: z.number().int(),
  window: z.object({ from: z.string(), to: z.string() }),
  values: ZValues,
  /** The unresolved decision for this rule and subject, if any. */
  decisionId: z.string().nullable(),
  decisionStatus: z.enum(["OPEN", "ACKNOWLEDGED"]).nullable(),
});

export const ZThresholdTable = z.object({
  /** When the guard last evaluated, and which worker; null when it never has. */
  evaluatedAt: z.date().nullable(),
  evaluatedBy: z.string().nullable(),
  /** No evaluation for more than three guard intervals: the values are not live. */
  stale: z.boolean(),
  rules: z.array(ZStoredThresholdSetting.extend({ evaluations: z.array(ZRuleEvaluation) })),
});

export const ZUpdateThresholdRequest = z.object({
  metric: ZThresholdMetric,
  limit: z.number().exactOptional(),
  action: z.enum(THRESHOLD_ACTIONS).exactOptional(),
  windowSeconds: z.number().int().exactOptional(),
  minSample: z.number().int().exactOptional(),
  enabled: z.boolean().exactOptional(),
  /** MEMORY_USAGE; null goes back to the default (limit − 0.1). */
  restoreBelow: z.number().nullable().exactOptional(),
  /** MEMORY_USAGE; null goes back to the default (60 s). */
  holdSeconds: z.number().int().nullable().exactOptional(),
  reason: ZReason,
});

export const ZGateDecision = z.object({
  id: z.string(),
  at: z.date(),
  metric: ZThresholdMetric,
  subject: z.string(),
  value: z.number().nullable(),
  limit: z.number(),
  windowSeconds: z.number().int(),
  sampleSize: z.number().int(),
  action: z.string(),
  explanation: z.string(),
  status: ZDecisionStatus,
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.date().nullable(),
  acknowledgedReason: z.string().nullable(),
  resolvedAt: z.date().nullable(),
  resolution: z.string().nullable(),
});

/** What the guard stored with a decision: enough to explain it after the rollups are gone. */
export const ZDecisionInputs = z.object({
  values: ZValues,
  window: z.object({ seconds: z.number(), from: z.string(), to: z.string() }),
  sample: z.object({ size: z.number(), minimum: z.number() }),
  threshold: ZThresholdSetting,
  action: ZDecisionAction,
  explanation: z.string(),
  evaluatedBy: z.string(),
  evaluatedAt: z.string(),
});

export const ZGateDecisionDetail = ZGateDecision.extend({
  /** Structured for every decision the guard took; anything else as stored. */
  inputs: z.union([ZDecisionInputs, ZValues]),
});

export const ZAlertsRequest = z.object({
  status: z.array(ZDecisionStatus).min(1).max(3).optional(),
  metric: ZThresholdMetric.optional(),
  subject: z.string().max(200).optional(),
  /** The last id of the previous page. */
  cursor: pageCursor("gateDecision").optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const ZDecisionId = z.object({ id: z.string().uuid() });
export const ZAcknowledgeRequest = ZDecisionId.extend({ reason: ZReason });

export const ZAlertsPage = z.object({ items: z.array(ZGateDecision), nextCursor: z.string().nullable() });
