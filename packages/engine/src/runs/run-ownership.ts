import { randomUUID } from "node:crypto";
import type { BackgroundRun, Prisma, PrismaClient } from "@qmc/db";
import { ENDING_ACTION, isActiveRun, RUN_AUDIT_PREFIX, type RunEnding } from "./run-status.ts";

const SUBJECT = "BackgroundRun";
/** `BackgroundRun.error` is shown in the console; a stack trace belongs in the logs. */
const MAX_ERROR_LENGTH = 2_000;

/** The worker's hold on a run: every write it makes is guarded by this token. */
export interface RunFence {
  runId: string;
  token: string;
}

/** Another worker took the run over (this one lost its BullMQ lock): stop, write nothing more. */
export class RunOwnershipLost extends Error {
  constructor(runId: string) {
    super(`run ${runId} is held by another worker now`);
    this.name = "RunOwnershipLost";
  }
}

/** What one batch adds to a run's progress. */
export interface ProgressDelta {
  processed: number;
  moved: number;
  skipped: number;
  failed: number;
}

/**
 * Takes an active run for this worker with a fresh fencing token (QUEUED or RUNNING → RUNNING).
 * BullMQ hands a run's job to one worker at a time, so a RUNNING run offered here was left by a
 * worker that died or lost its lock: it is taken over, audited as `<type>.takeover`, and that
 * worker's next guarded write fails. Returns null when the run is no longer active.
 */
export async function claimRun(
  prisma: PrismaClient,
  runId: string,
  workerId: string,
): Promise<BackgroundRun | null> {
  for (;;) {
    const run = await prisma.backgroundRun.findUnique({ where: { id: runId } });
    if (!run || !isActiveRun(run.status)) return null;
    const token = randomUUID();
    const claimed = await prisma.$transaction(async (tx) => {
      const { count } = await tx.backgroundRun.updateMany({
        where: { id: runId, status: run.status, ownerToken: run.ownerToken },
        data: {
          status: "RUNNING",
          ownerWorkerId: workerId,
          ownerToken: token,
          startedAt: run.startedAt ?? new Date(),
        },
      });
      if (count !== 1) return null;
      if (run.status === "RUNNING") {
        await tx.auditEvent.create({
          data: {
            actor: `worker:${workerId}`,
            action: `${RUN_AUDIT_PREFIX[run.type]}.takeover`,
            subjectType: SUBJECT,
            subjectId: run.id,
            before: { ownerWorkerId: run.ownerWorkerId, processed: run.processed, cursor: run.cursor },
            after: { ownerWorkerId: workerId },
            reason: `worker ${run.ownerWorkerId ?? "?"} stopped holding the run; continuing from its cursor`,
          },
        });
      }
      return tx.backgroundRun.findUniqueOrThrow({ where: { id: runId } });
    });
    if (claimed) return claimed; // else someone moved it meanwhile: look again
  }
}

/** The run as it is now, if this worker still holds it. @throws RunOwnershipLost */
export async function readOwnedRun(prisma: PrismaClient, fence: RunFence): Promise<BackgroundRun> {
  const run = await prisma.backgroundRun.findUnique({ where: { id: fence.runId } });
  if (run?.ownerToken !== fence.token || run.status !== "RUNNING") throw new RunOwnershipLost(fence.runId);
  return run;
}

/**
 * Adds a batch's counts and moves the cursor, inside the batch's own transaction: the counts never
 * disagree with the work, and a worker that lost the run rolls its batch back.
 * @throws RunOwnershipLost
 */
export async function saveProgress(
  tx: Prisma.TransactionClient,
  fence: RunFence,
  delta: ProgressDelta,
  cursor: string,
): Promise<void> {
  const { count } = await tx.backgroundRun.updateMany({
    where: { id: fence.runId, ownerToken: fence.token, status: "RUNNING" },
    data: {
      processed: { increment: delta.processed },
      moved: { increment: delta.moved },
      skipped: { increment: delta.skipped },
      failed: { increment: delta.failed },
      cursor,
    },
  });
  if (count !== 1) throw new RunOwnershipLost(fence.runId);
}

/**
 * Ends the run (releasing its type's lock) with its audit event holding the final counts. A
 * cancel is audited under the operator who asked for it.
 * @throws RunOwnershipLost
 */
export async function endOwnedRun(
  prisma: PrismaClient,
  fence: RunFence,
  ending: RunEnding,
  error?: unknown,
): Promise<BackgroundRun> {
  const message = error === undefined ? null : errorText(error);
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.backgroundRun.updateMany({
      where: { id: fence.runId, ownerToken: fence.token, status: "RUNNING" },
      data: { status: ending, error: message, finishedAt: new Date(), activeLock: null, ownerToken: null },
    });
    if (count !== 1) throw new RunOwnershipLost(fence.runId);
    const run = await tx.backgroundRun.findUniqueOrThrow({ where: { id: fence.runId } });
    await tx.auditEvent.create({
      data: {
        actor: ending === "CANCELLED" ? (run.cancelRequestedBy ?? run.actor) : run.actor,
        action: `${RUN_AUDIT_PREFIX[run.type]}.${ENDING_ACTION[ending]}`,
        subjectType: SUBJECT,
        subjectId: run.id,
        after: {
          status: run.status,
          total: run.total,
          processed: run.processed,
          moved: run.moved,
          skipped: run.skipped,
          failed: run.failed,
          cursor: run.cursor,
          error: message,
          worker: run.ownerWorkerId,
        },
        reason: run.reason,
      },
    });
    return run;
  });
}

/** A stopping worker gives the run back between batches: QUEUED again, for the next worker. */
export async function handBackRun(prisma: PrismaClient, fence: RunFence): Promise<void> {
  await prisma.backgroundRun.updateMany({
    where: { id: fence.runId, ownerToken: fence.token, status: "RUNNING" },
    data: { status: "QUEUED", ownerToken: null, ownerWorkerId: null },
  });
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, MAX_ERROR_LENGTH);
}
