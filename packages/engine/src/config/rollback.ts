import { DomainError, type QueueConfigValues } from "@qmc/core";
import type { QueueConfigVersion } from "./config-store.ts";
import type { LiveConfig } from "./live-config.ts";

/**
 * A rollback promises that new orders go to legacy at once. Once legacy is retired, routing sends
 * everything to the new system whatever the switch says, so a rollback would be audited and
 * change nothing. It is refused instead of un-retiring on the side: bringing legacy back is an
 * admin's decision (`migration.unretire`), a rollback is an operator's.
 * @throws DomainError LEGACY_RETIRED
 */
export function assertRollbackPossible(current: Pick<QueueConfigValues, "legacyRetired">): void {
  if (!current.legacyRetired) return;
  throw new DomainError(
    "LEGACY_RETIRED",
    "Legacy is retired; un-retire it first (migration.unretire) and then roll back.",
    { legacyRetired: true, undo: "migration.unretire" },
  );
}

/**
 * The one-step rollback, as release tools abort a canary: the switch off and the percent to 0 in
 * one version, so every new order goes to legacy and switching on again starts from 0 % — the
 * operator raises it deliberately, and nothing on screen promises a percent the switch-on would
 * jump back to. Audited as `config.rollback` (before and after show the percent it left).
 */
export function rollBack(
  liveConfig: Pick<LiveConfig, "change">,
  who: { actor: string; actorUserId?: string | null; reason: string },
): Promise<QueueConfigVersion> {
  return liveConfig.change(
    { useNewQueueSystem: false, newQueueRolloutPercent: 0 },
    { ...who, action: "config.rollback", precondition: assertRollbackPossible },
  );
}
