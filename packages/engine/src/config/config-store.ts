import { randomBytes } from "node:crypto";
import {
  assertReason,
  DomainError,
  initialQueueConfig,
  planConfigChange,
  type QueueConfigChange,
  type QueueConfigValues,
} from "@qmc/core";
import { Prisma, type PrismaClient, type QueueConfig } from "@qmc/db";

/** One version of the live configuration, as every process and the API see it. */
export interface QueueConfigVersion extends QueueConfigValues {
  version: number;
  actor: string;
  reason: string;
  createdAt: Date;
}

export interface ChangeContext {
  actor: string;
  actorUserId?: string | null;
  reason: string;
  /** Refuse the change when the live version moved on (someone else changed it meanwhile). */
  expectedVersion?: number;
  /** Audit action, e.g. "config.rollback". @defaultValue "config.change" */
  action?: string;
  /**
   * A rule the version being changed must meet, or it throws (a DomainError). Checked against
   * the version the change is planned on, again after a lost race, so no concurrent change can
   * slip between the check and the write.
   */
  precondition?: (current: QueueConfigValues) => void;
  /**
   * More writes that must commit with the new version or not at all (the health guard's decision
   * behind a pause or its acknowledgement). Runs inside the version's transaction after the row and
   * its audit event are written; throwing rolls the whole change back.
   */
  inTransaction?: (tx: Prisma.TransactionClient, written: QueueConfigVersion) => Promise<void>;
}

function toVersion(row: QueueConfig): QueueConfigVersion {
  return {
    version: row.version,
    useNewQueueSystem: row.useNewQueueSystem,
    shadowMode: row.shadowMode,
    newQueueRolloutPercent: row.rolloutBasisPoints / 100,
    salt: row.salt,
    paused: row.paused,
    pausedReason: row.pausedReason,
    legacyRetired: row.legacyRetired,
    actor: row.actor,
    reason: row.reason,
    createdAt: row.createdAt,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/**
 * The live configuration: the newest row of QueueConfig. Rows are never updated; a change
 * inserts the next version with its actor and reason, in the same transaction as its audit
 * event (before/after). Two concurrent changes cannot both win: the version is the primary key.
 */
export async function readLiveConfig(prisma: PrismaClient): Promise<QueueConfigVersion> {
  const latest = await prisma.queueConfig.findFirst({ orderBy: { version: "desc" } });
  if (latest) return toVersion(latest);
  const initial = initialQueueConfig(randomBytes(8).toString("hex"));
  try {
    await prisma.queueConfig.create({
      data: { version: 1, ...toRow(initial), actor: "system", reason: "initial configuration" },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error; // another process initialised it first
  }
  return toVersion(await prisma.queueConfig.findFirstOrThrow({ orderBy: { version: "desc" } }));
}

/** The newest version number only: what the catch-up poll compares. */
export async function readLiveVersion(prisma: PrismaClient): Promise<number> {
  const latest = await prisma.queueConfig.findFirst({
    orderBy: { version: "desc" },
    select: { version: true },
  });
  return latest?.version ?? 0;
}

export async function changeConfig(
  prisma: PrismaClient,
  change: QueueConfigChange,
  context: ChangeContext,
): Promise<QueueConfigVersion> {
  assertReason(context.reason);
  for (let attempt = 0; ; attempt++) {
    const current = await readLiveConfig(prisma);
    if (context.expectedVersion !== undefined && context.expectedVersion !== current.version) {
      throw versionConflict(context.expectedVersion, current.version);
    }
    context.precondition?.(current);
    const next = planConfigChange(current, change);
    try {
      return await prisma.$transaction(async (tx) => {
        const row = await tx.queueConfig.create({
          data: {
            version: current.version + 1,
            ...toRow(next),
            actor: context.actor,
            reason: context.reason.trim(),
          },
        });
        const written = toVersion(row);
        await tx.auditEvent.create({
          data: {
            actor: context.actor,
            actorUserId: context.actorUserId ?? null,
            action: context.action ?? "config.change",
            subjectType: "QueueConfig",
            subjectId: String(row.version),
            // Both whole versions as their rows hold them: `next` is only the planned values
            // (spread from `current`, it would carry the old version's number, actor and reason).
            before: auditSnapshot(current),
            after: auditSnapshot(written),
            reason: context.reason.trim(),
          },
        });
        await context.inTransaction?.(tx, written);
        return written;
      });
    } catch (error) {
      // Lost the race for the next version: re-plan on top of the winner, unless pinned.
      if (!isUniqueViolation(error) || context.expectedVersion !== undefined || attempt >= 3) {
        throw isUniqueViolation(error) ? versionConflict(current.version, current.version + 1) : error;
      }
    }
  }
}

export async function configHistory(prisma: PrismaClient, limit = 50): Promise<QueueConfigVersion[]> {
  const rows = await prisma.queueConfig.findMany({
    orderBy: { version: "desc" },
    take: Math.min(limit, 500),
  });
  return rows.map(toVersion);
}

function toRow(values: QueueConfigValues) {
  return {
    useNewQueueSystem: values.useNewQueueSystem,
    shadowMode: values.shadowMode,
    rolloutBasisPoints: Math.round(values.newQueueRolloutPercent * 100),
    salt: values.salt,
    paused: values.paused,
    pausedReason: values.pausedReason,
    legacyRetired: values.legacyRetired,
  };
}

function versionConflict(expected: number, actual: number): DomainError {
  return new DomainError(
    "CONFIG_VERSION_CONFLICT",
    `The configuration changed meanwhile (you edited version ${expected}, the live one is ${actual}); reload and apply your change again.`,
    { expectedVersion: expected, liveVersion: actual },
  );
}

/**
 * A version as the audit trail keeps it: its number, every value, who made it and why, when. Built
 * field by field, so what the trail holds is exactly a QueueConfig row, whatever else the object has.
 */
function auditSnapshot(config: QueueConfigVersion) {
  return {
    version: config.version,
    useNewQueueSystem: config.useNewQueueSystem,
    shadowMode: config.shadowMode,
    newQueueRolloutPercent: config.newQueueRolloutPercent,
    salt: config.salt,
    paused: config.paused,
    pausedReason: config.pausedReason,
    legacyRetired: config.legacyRetired,
    actor: config.actor,
    reason: config.reason,
    createdAt: config.createdAt.toISOString(),
  };
}
