import { planConfigChange, previewRouteChange, type RoutePreview, toRoutingConfig } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { LiveConfig } from "../config/live-config.ts";

export interface RolloutPreviewRequest {
  useNewQueueSystem?: boolean | undefined;
  newQueueRolloutPercent: number;
  /** How many of the most recent orders (both systems) to re-route. */
  lastN: number;
}

/**
 * How many of the last N orders would change system under the proposed switch and percent, by
 * routing their ids under the live config and under the proposal (the same hash the router uses).
 * Pauses are ignored: a preview shows the effect, whatever the guard's gates say.
 *
 * @throws DomainError INVALID_ROLLOUT_PERCENT (from the core's config checks)
 */
export async function previewRollout(
  deps: { prisma: PrismaClient; liveConfig: Pick<LiveConfig, "current"> },
  request: RolloutPreviewRequest,
): Promise<RoutePreview> {
  const current = deps.liveConfig.current();
  const proposed = planConfigChange(current, {
    newQueueRolloutPercent: request.newQueueRolloutPercent,
    ...(request.useNewQueueSystem === undefined ? {} : { useNewQueueSystem: request.useNewQueueSystem }),
    paused: false,
  });
  const recent = await recentOrderIds(deps.prisma, request.lastN);
  return previewRouteChange(toRoutingConfig(current), toRoutingConfig(proposed), recent);
}

/** The ids of the last `n` primary orders of both systems, newest first (legacy by submission). */
async function recentOrderIds(prisma: PrismaClient, n: number): Promise<string[]> {
  const [newSystemOrders, legacyOrders] = await Promise.all([
    prisma.workOrder.findMany({
      where: { role: "PRIMARY" },
      orderBy: { createdAt: "desc" },
      take: n,
      select: { id: true, createdAt: true },
    }),
    prisma.legacyWorkOrder.findMany({
      orderBy: { submittedAt: "desc" },
      take: n,
      select: { id: true, submittedAt: true },
    }),
  ]);
  return [
    ...newSystemOrders.map((o) => ({ id: o.id, at: o.createdAt })),
    ...legacyOrders.map((o) => ({ id: o.id, at: o.submittedAt })),
  ]
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .slice(0, n)
    .map((o) => o.id);
}
