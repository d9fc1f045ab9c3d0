import { DomainError } from "@qmc/core";
import { type BackgroundRun, type BackgroundRunType, Prisma, type PrismaClient } from "@qmc/db";
import { A_RUN_LABEL, isActiveRun, RUN_AUDIT_PREFIX, RUN_LABEL } from "./run-status.ts";

const SUBJECT = "BackgroundRun";

/** Who acts on a run, and why: the audit trail's actor and reason. */
export interface RunActor {
  actor: string;
  actorUserId?: string;
  reason: string;
}

export interface NewQueuedRun extends RunActor {
  type: BackgroundRunType;
  filter: Prisma.InputJsonValue;
  plan: Prisma.InputJsonValue;
  total: number;
  /** More facts for the start's audit event. */
  auditAfter?: Record<string, unknown>;
}

/**
 * Records a run as QUEUED, holding its type's lock, with its `<type>.start` audit event, in one
 * transaction. The lock is a unique column, so of two concurrent starts exactly one commits.
 * @throws DomainError RUN_IN_PROGRESS naming the run that holds the lock
 */
export async function insertQueuedRun(prisma: PrismaClient, run: NewQueuedRun): Promise<BackgroundRun> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await prisma.$transaction(async (tx) => {
        const created = await tx.backgroundRun.create({
          data: {
            type: run.type,
            status: "QUEUED",
            dryRun: false,
            activeLock: run.type,
            filter: run.filter,
            plan: run.plan,
            total: run.total,
            actor: run.actor,
            reason: run.reason,
          },
        });
        await tx.auditEvent.create({
          data: {
            actor: run.actor,
            actorUserId: run.actorUserId ?? null,
            action: `${RUN_AUDIT_PREFIX[run.type]}.start`,
            subjectType: SUBJECT,
            subjectId: created.id,
            after: { status: created.status, total: created.total, ...run.auditAfter },
            reason: run.reason,
          },
        });
        return created;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const active = await prisma.backgroundRun.findUnique({ where: { activeLock: run.type } });
      if (active) throw runInProgress(active);
      if (attempt >= 2) throw error; // it ended meanwhile, again and again: give up
    }
  }
}

/** @throws DomainError MIGRATION_RUN_NOT_FOUND (also for a run of another type than asked) */
export async function findRun(
  prisma: Pick<PrismaClient, "backgroundRun">,
  runId: string,
  type?: BackgroundRunType,
): Promise<BackgroundRun> {
  const run = await prisma.backgroundRun.findUnique({ where: { id: runId } });
  if (!run || (type && run.type !== type)) {
    const what = type ? RUN_LABEL[type] : "background";
    throw new DomainError("MIGRATION_RUN_NOT_FOUND", `No ${what} run has the id ${runId}.`, { runId });
  }
  return run;
}

/** The latest runs (dry runs included), newest first. */
export function listRuns(prisma: PrismaClient, options: { type?: BackgroundRunType; take?: number } = {}) {
  return prisma.backgroundRun.findMany({
    where: options.type ? { type: options.type } : {},
    orderBy: { createdAt: "desc" },
    take: Math.max(1, Math.min(100, Math.floor(options.take ?? 20))),
  });
}

/**
 * Asks a run to stop. One no worker has taken yet ends CANCELLED here (nothing runs it); a
 * running one is marked, and its worker ends it CANCELLED between two batches. Asking twice is
 * harmless.
 * @throws DomainError MIGRATION_RUN_NOT_FOUND; RUN_NOT_ACTIVE when it has already ended
 */
export async function requestCancel(
  prisma: PrismaClient,
  runId: string,
  who: RunActor,
  type?: BackgroundRunType,
): Promise<BackgroundRun> {
  const found = await findRun(prisma, runId, type);
  const prefix = RUN_AUDIT_PREFIX[found.type];
  const now = new Date();
  const marks = { cancelRequestedAt: now, cancelRequestedBy: who.actor };
  const audit = (action: string, run: BackgroundRun) => ({
    actor: who.actor,
    actorUserId: who.actorUserId ?? null,
    action: `${prefix}.${action}`,
    subjectType: SUBJECT,
    subjectId: run.id,
    before: { status: found.status, processed: run.processed },
    after: { status: run.status, processed: run.processed, total: run.total },
    reason: who.reason,
  });
  return prisma.$transaction(async (tx) => {
    const unclaimed = await tx.backgroundRun.updateMany({
      where: { id: runId, status: "QUEUED" },
      data: { ...marks, status: "CANCELLED", activeLock: null, finishedAt: now },
    });
    const requested = unclaimed.count
      ? 0
      : (
          await tx.backgroundRun.updateMany({
            where: { id: runId, status: "RUNNING", cancelRequestedAt: null },
            data: marks,
          })
        ).count;
    const run = await tx.backgroundRun.findUniqueOrThrow({ where: { id: runId } });
    if (unclaimed.count) await tx.auditEvent.create({ data: audit("cancel", run) });
    else if (requested) await tx.auditEvent.create({ data: audit("cancel_request", run) });
    else if (!isActiveRun(run.status)) throw runNotActive(run);
    return run;
  });
}

/**
 * Makes a FAILED run QUEUED again (taking its type's lock back), audited as `<type>.resume`; its
 * cursor stays, so it continues where it stopped. An active run is returned unchanged (it only
 * needs its job: see `ensureRunJob`), and so is a finished one: there is nothing to resume.
 * @throws DomainError RUN_IN_PROGRESS when another run of its type is active now
 */
export async function reopenFailedRun(
  prisma: PrismaClient,
  run: BackgroundRun,
  who: RunActor,
): Promise<BackgroundRun> {
  if (run.status !== "FAILED" || run.dryRun) return run;
  try {
    return await prisma.$transaction(async (tx) => {
      const reopened = await tx.backgroundRun.updateMany({
        where: { id: run.id, status: "FAILED" },
        data: { status: "QUEUED", activeLock: run.type, error: null, finishedAt: null, ownerToken: null },
      });
      if (reopened.count !== 1) return tx.backgroundRun.findUniqueOrThrow({ where: { id: run.id } });
      await tx.auditEvent.create({
        data: {
          actor: who.actor,
          actorUserId: who.actorUserId ?? null,
          action: `${RUN_AUDIT_PREFIX[run.type]}.resume`,
          subjectType: SUBJECT,
          subjectId: run.id,
          before: { status: run.status, cursor: run.cursor, processed: run.processed, error: run.error },
          after: { status: "QUEUED" },
          reason: who.reason,
        },
      });
      return tx.backgroundRun.findUniqueOrThrow({ where: { id: run.id } });
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const active = await prisma.backgroundRun.findUnique({ where: { activeLock: run.type } });
    throw active ? runInProgress(active) : error;
  }
}

function runInProgress(active: BackgroundRun): DomainError {
  const state = active.status === "QUEUED" ? "waiting for a worker" : "running";
  return new DomainError(
    "RUN_IN_PROGRESS",
    `${A_RUN_LABEL[active.type]} is already ${state} (run ${active.id}, started by ${active.actor}); wait for it to end or cancel it first.`,
    { runId: active.id, type: active.type, status: active.status },
  );
}

function runNotActive(run: BackgroundRun): DomainError {
  return new DomainError(
    "RUN_NOT_ACTIVE",
    `Run ${run.id} is ${run.status}, not queued or running: there is nothing to stop.`,
    { runId: run.id, status: run.status },
  );
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
