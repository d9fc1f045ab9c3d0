import {
  assertReason,
  assertValidThresholdSetting,
  DEFAULT_THRESHOLDS,
  THRESHOLD_METRICS,
  type ThresholdMetric,
  type ThresholdSetting,
} from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import { GUARD_DECISION_LOCK } from "./guard-keys.ts";

/** A rule as the guard applies it, with who changed it last (null: the seed's default). */
export interface StoredThresholdSetting extends ThresholdSetting {
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** The editable fields of a rule; omitted ones keep their value. */
export type ThresholdChange = Partial<Omit<ThresholdSetting, "metric">>;

function defaultOf(metric: ThresholdMetric): ThresholdSetting {
  const found = DEFAULT_THRESHOLDS.find((s) => s.metric === metric);
  if (!found) throw new Error(`no default threshold for ${metric}`);
  return { ...found };
}

type Row = Awaited<ReturnType<PrismaClient["thresholdSetting"]["findMany"]>>[number];

function fromRow(row: Row): StoredThresholdSetting {
  return {
    metric: row.metric,
    limit: row.limit,
    action: row.action,
    windowSeconds: row.windowSeconds,
    minSample: row.minSample,
    enabled: row.enabled,
    ...(row.restoreBelow === null ? {} : { restoreBelow: row.restoreBelow }),
    ...(row.holdSeconds === null ? {} : { holdSeconds: row.holdSeconds }),
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt,
  };
}

/**
 * The four rules in the seed's order: a stored row where an admin edited the rule, the seed's
 * default (DEFAULT_THRESHOLDS) otherwise. Rows are validated on write, so they are used as stored.
 */
export async function readThresholdSettings(prisma: PrismaClient): Promise<StoredThresholdSetting[]> {
  const rows = new Map((await prisma.thresholdSetting.findMany()).map((r) => [r.metric, r]));
  return THRESHOLD_METRICS.map((metric) => {
    const row = rows.get(metric);
    return row ? fromRow(row) : { ...defaultOf(metric), updatedBy: null, updatedAt: null };
  });
}

/** Only a rule's own fields (no who/when): what evaluation and the audit trail take. */
export function plainSetting(s: StoredThresholdSetting | ThresholdSetting): ThresholdSetting {
  const { metric, limit, action, windowSeconds, minSample, enabled, restoreBelow, holdSeconds } = s;
  return {
    metric,
    limit,
    action,
    windowSeconds,
    minSample,
    enabled,
    ...(restoreBelow === undefined ? {} : { restoreBelow }),
    ...(holdSeconds === undefined ? {} : { holdSeconds }),
  };
}

/**
 * An admin's edit of one rule: validated as a whole (INVALID_THRESHOLD lists every problem),
 * stored, and audited as `threshold.update` with the rule before and after and the reason, in one
 * transaction. The guard picks it up at its next evaluation.
 */
export async function updateThresholdSetting(
  prisma: PrismaClient,
  metric: ThresholdMetric,
  change: ThresholdChange,
  who: { actor: string; actorUserId?: string | null; reason: string },
): Promise<StoredThresholdSetting> {
  assertReason(who.reason);
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${GUARD_DECISION_LOCK}))`;
    const row = await tx.thresholdSetting.findUnique({ where: { metric } });
    const before = plainSetting(row ? fromRow(row) : defaultOf(metric));
    const next: ThresholdSetting = { ...before, ...change, metric };
    assertValidThresholdSetting(next);
    const values = {
      limit: next.limit,
      action: next.action,
      windowSeconds: next.windowSeconds,
      minSample: next.minSample,
      enabled: next.enabled,
      restoreBelow: next.restoreBelow ?? null,
      holdSeconds: next.holdSeconds ?? null,
      updatedBy: who.actor,
    };
    const written = await tx.thresholdSetting.upsert({
      where: { metric },
      create: { metric, ...values },
      update: values,
    });
    await tx.auditEvent.create({
      data: {
        actor: who.actor,
        actorUserId: who.actorUserId ?? null,
        action: "threshold.update",
        subjectType: "ThresholdSetting",
        subjectId: metric,
        before: { ...before },
        after: { ...plainSetting(fromRow(written)) },
        reason: who.reason.trim(),
      },
    });
    return fromRow(written);
  });
}
