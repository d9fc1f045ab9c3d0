import { assertReason, DomainError } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { Queue } from "bullmq";
import type { QueueConfigVersion } from "../config/config-store.ts";
import type { LiveConfig } from "../config/live-config.ts";
import { UNRESOLVED } from "../guard/gate-decisions.ts";
import { applyRetirementToLegacyQueue } from "./legacy-queue-pause.ts";

export interface RetirementCheck {
  allowed: boolean;
  /** Why not, one line per unmet condition (empty when allowed). */
  blockers: string[];
}

/**
 * Phase 4's gate (DESIGN.md §4): legacy may be retired only when the switch is on at 100 %,
 * legacy has nothing queued or running, and no alert is open. "Open" means every health decision
 * not yet resolved: OPEN ones, and ACKNOWLEDGED ones too — an acknowledged alert says someone is
 * looking, not that the value recovered. A decision resolves by itself when its rule evaluates ok
 * again (or when an admin disables the rule, for one that can no longer be measured).
 */
export async function checkRetirement(
  prisma: PrismaClient,
  config: QueueConfigVersion,
): Promise<RetirementCheck> {
  const blockers: string[] = [];
  if (config.legacyRetired) blockers.push("legacy is already retired");
  if (!config.useNewQueueSystem) blockers.push("the new queue system is switched off");
  if (config.newQueueRolloutPercent < 100)
    blockers.push(`the rollout is at ${config.newQueueRolloutPercent} %, not 100 %`);
  const unresolved = { status: { in: [...UNRESOLVED] } };
  const [live, alerts, alertCount] = await Promise.all([
    prisma.legacyWorkOrder.groupBy({
      by: ["status"],
      where: { migratedAt: null, status: { in: ["queued", "building", "running"] } },
      _count: true,
    }),
    prisma.gateDecision.findMany({
      where: unresolved,
      select: { metric: true, subject: true, status: true },
      orderBy: { at: "asc" },
      take: 5,
    }),
    prisma.gateDecision.count({ where: unresolved }),
  ]);
  for (const group of live) blockers.push(`legacy still has ${group._count} ${group.status} order(s)`);
  if (alertCount > 0) {
    const list = alerts.map((a) => `${a.metric} on ${a.subject} (${a.status.toLowerCase()})`).join(", ");
    const more = alertCount > alerts.length ? `, and ${alertCount - alerts.length} more` : "";
    blockers.push(`${alertCount} health alert(s) not resolved: ${list}${more}`);
  }
  return { allowed: blockers.length === 0, blockers };
}

/**
 * Retires legacy: routing is fixed to the new system, the legacy queue is paused (when given) and
 * workers stop the legacy processor.
 */
export async function retireLegacy(
  prisma: PrismaClient,
  liveConfig: LiveConfig,
  who: { actor: string; actorUserId?: string; reason: string },
  legacyQueue?: Pick<Queue, "pause" | "resume">,
): Promise<QueueConfigVersion> {
  assertReason(who.reason);
  const current = liveConfig.current();
  const check = await checkRetirement(prisma, current);
  if (!check.allowed) {
    throw new DomainError(
      "RETIREMENT_BLOCKED",
      `Legacy cannot be retired yet: ${check.blockers.join("; ")}.`,
      {
        blockers: check.blockers,
      },
    );
  }
  const retired = await liveConfig.change(
    { legacyRetired: true },
    { ...who, action: "legacy.retire", expectedVersion: current.version },
  );
  if (legacyQueue) await applyRetirementToLegacyQueue(legacyQueue, true);
  return retired;
}

/** Undoes a retirement (admin, with a reason): routing follows the switch and percent again. */
export async function unretireLegacy(
  liveConfig: LiveConfig,
  who: { actor: string; actorUserId?: string; reason: string },
  legacyQueue?: Pick<Queue, "pause" | "resume">,
): Promise<QueueConfigVersion> {
  assertReason(who.reason);
  if (!liveConfig.current().legacyRetired) {
    throw new DomainError("RETIREMENT_BLOCKED", "Legacy is not retired; there is nothing to undo.", {
      blockers: [],
    });
  }
  const restored = await liveConfig.change({ legacyRetired: false }, { ...who, action: "legacy.unretire" });
  if (legacyQueue) await applyRetirementToLegacyQueue(legacyQueue, false);
  return restored;
}
