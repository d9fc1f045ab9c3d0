import { assertReason } from "@qmc/core";
import type { GateDecision, PrismaClient } from "@qmc/db";
import type { QueueConfigVersion } from "../config/config-store.ts";
import type { LiveConfig } from "../config/live-config.ts";
import { lockDecisions, markAcknowledged, notFound, notOpen } from "./gate-decisions.ts";

export interface Acknowledger {
  actor: string;
  actorUserId?: string | null;
  reason: string;
}

interface Deps {
  prisma: PrismaClient;
  liveConfig: Pick<LiveConfig, "change" | "current">;
}

/** Another pause decision opened meanwhile: the pause must stay. */
class PauseStillHeld extends Error {}

/**
 * An operator acknowledges a decision with a reason. An alert or a memory reduction becomes
 * ACKNOWLEDGED (it still resolves by itself once the value recovers). A pause decision becomes
 * ACKNOWLEDGED and, when no other pause decision is open, the rollout is unpaused in the same
 * transaction (a `config.resume` version): acknowledging a pause is what lifts it.
 * @throws DomainError GATE_DECISION_NOT_FOUND, GATE_DECISION_NOT_OPEN, REASON_REQUIRED
 */
export async function acknowledgeDecision(deps: Deps, id: string, who: Acknowledger): Promise<GateDecision> {
  assertReason(who.reason);
  const decision = await deps.prisma.gateDecision.findUnique({ where: { id } });
  if (!decision) throw notFound(id);
  if (decision.status !== "OPEN") throw notOpen(decision);
  if (decision.action === "PAUSE_ROLLOUT" && deps.liveConfig.current().paused) {
    try {
      const acknowledged: { decision?: GateDecision } = {};
      await liftPause(deps, who, async (tx) => {
        const others = await tx.gateDecision.count({
          where: { status: "OPEN", action: "PAUSE_ROLLOUT", id: { not: id } },
        });
        if (others > 0) throw new PauseStillHeld();
        acknowledged.decision = await markAcknowledged(tx, id, who);
      });
      if (acknowledged.decision) return acknowledged.decision;
    } catch (error) {
      if (!(error instanceof PauseStillHeld)) throw error;
    }
  }
  return deps.prisma.$transaction(async (tx) => {
    await lockDecisions(tx);
    return markAcknowledged(tx, id, who);
  });
}

/**
 * `rollout.resume`: lifts the pause, acknowledging every open pause decision with the reason given
 * (the operator has seen them all: resuming is acknowledging them). Writes a `config.resume`
 * version whether or not anything was paused, as a resume always has.
 */
export async function resumeRollout(deps: Deps, who: Acknowledger): Promise<QueueConfigVersion> {
  assertReason(who.reason);
  return liftPause(deps, who, async (tx) => {
    const open = await tx.gateDecision.findMany({
      where: { status: "OPEN", action: "PAUSE_ROLLOUT" },
      select: { id: true },
    });
    for (const { id } of open) await markAcknowledged(tx, id, who);
  });
}

function liftPause(
  deps: Deps,
  who: Acknowledger,
  decisions: (tx: Parameters<typeof lockDecisions>[0]) => Promise<void>,
): Promise<QueueConfigVersion> {
  return deps.liveConfig.change(
    { paused: false },
    {
      actor: who.actor,
      actorUserId: who.actorUserId ?? null,
      reason: who.reason,
      action: "config.resume",
      inTransaction: async (tx) => {
        await lockDecisions(tx);
        await decisions(tx);
      },
    },
  );
}
