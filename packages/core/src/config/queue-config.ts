import { DomainError } from "../errors.ts";
import { assertValidRolloutPercent, type RoutingConfig, rolloutPercentToBasisPoints } from "../routing.ts";

/** The live queue configuration's values (DESIGN.md §4); versions, actors and reasons live beside them. */
export interface QueueConfigValues {
  useNewQueueSystem: boolean;
  shadowMode: boolean;
  /** 0–100 in steps of 0.01. */
  newQueueRolloutPercent: number;
  salt: string;
  /** Set by the health guard: the percent may not rise until someone acknowledges. */
  paused: boolean;
  pausedReason: string | null;
  legacyRetired: boolean;
}

export type QueueConfigChange = Partial<QueueConfigValues>;

/** Switch off, shadow off, 0 %: the legacy system does everything, as before the migration. */
export function initialQueueConfig(salt: string): QueueConfigValues {
  return {
    useNewQueueSystem: false,
    shadowMode: false,
    newQueueRolloutPercent: 0,
    salt,
    paused: false,
    pausedReason: null,
    legacyRetired: false,
  };
}

export const MAX_REASON_LENGTH = 500;

/** @throws DomainError REASON_REQUIRED: every change says why, for the audit trail. */
export function assertReason(reason: unknown): asserts reason is string {
  if (typeof reason !== "string" || reason.trim().length === 0 || reason.length > MAX_REASON_LENGTH) {
    throw new DomainError(
      "REASON_REQUIRED",
      `A reason of 1 to ${MAX_REASON_LENGTH} characters is required; it is kept in the audit trail with the change.`,
      { maxLength: MAX_REASON_LENGTH },
    );
  }
}

/**
 * The next configuration after a change, or a typed error: a valid percent, a sane salt, and no
 * rise of the percent while the rollout is paused by a health gate (it must be resumed first).
 */
export function planConfigChange(current: QueueConfigValues, change: QueueConfigChange): QueueConfigValues {
  const next: QueueConfigValues = { ...current, ...change };
  assertValidRolloutPercent(next.newQueueRolloutPercent);
  next.newQueueRolloutPercent = rolloutPercentToBasisPoints(next.newQueueRolloutPercent) / 100;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(next.salt)) {
    throw new DomainError("INVALID_SALT", "The salt must be 1 to 64 letters, digits, _ or -.", {
      field: "salt",
    });
  }
  // A pause blocks every step towards the new system — a higher percent, or the switch going on
  // (even at 0 %: switching on is the step an operator takes next) — and nothing back from it.
  const rising =
    next.newQueueRolloutPercent > current.newQueueRolloutPercent ||
    (next.useNewQueueSystem && !current.useNewQueueSystem);
  if (current.paused && next.paused && rising) {
    throw new DomainError(
      "ROLLOUT_PAUSED",
      `The rollout is paused (${current.pausedReason ?? "health gate"}); acknowledge the pause with a reason (guard.acknowledge or rollout.resume) before raising the percent or switching the new system on. Lowering the percent and rolling back stay allowed.`,
      { pausedReason: current.pausedReason },
    );
  }
  if (!next.paused) next.pausedReason = null;
  return next;
}

export function toRoutingConfig(values: QueueConfigValues): RoutingConfig {
  return {
    useNewQueueSystem: values.useNewQueueSystem,
    newQueueRolloutPercent: values.newQueueRolloutPercent,
    shadowMode: values.shadowMode,
    salt: values.salt,
    legacyRetired: values.legacyRetired,
  };
}
