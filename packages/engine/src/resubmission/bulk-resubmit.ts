import { assertReason } from "@qmc/core";
import type { BackgroundRun, PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import type { SystemQueues } from "../queues/system-queues.ts";
import { enqueueRun, ensureRunJob } from "../runs/run-queue.ts";
import { findRun, insertQueuedRun, reopenFailedRun } from "../runs/run-store.ts";
import { type ResubmitFilter, storeBulkFilter, submissionsWhere } from "./bulk-resubmit-filter.ts";

export interface BulkResubmitPlan {
  /** Submissions a run would re-submit: primary orders only (at most the cap when not exact). */
  count: number;
  /**
   * Shadow copies' submissions the filter also matched, which are never re-submitted; counted
   * only for an exact plan (null otherwise): shadows can be few among a million submissions, and
   * finding that out reads them all.
   */
  excludedShadows: number | null;
  /**
   * False when the count reached the cap: there are more than it says. The console's standing
   * dry run is capped (it is refreshed while the page is open, and a filter can match a million
   * submissions); the confirmation asks for the exact counts once.
   */
  exact: boolean;
  /** The newest event the plan covers: the run takes exactly these, not later ones. */
  upToId: bigint;
  sampleSubjectIds: string[];
}

/** Where a standing dry run stops counting: enough to say "more than 1,000" (the confirmation counts all). */
export const PLAN_COUNT_CAP = 1_000;

/**
 * The dry run: how many submissions the filter selects now, up to which event, and (when
 * `exact`) how many shadows it leaves out. Without `exact` the count stops past `cap`
 * ({@link PLAN_COUNT_CAP}); an exact plan reads every matching submission (a one-off, for the
 * confirmation).
 */
export async function planBulkResubmit(
  prisma: PrismaClient,
  filter: ResubmitFilter,
  options: { exact?: boolean; cap?: number } = {},
): Promise<BulkResubmitPlan> {
  const cap = options.cap ?? PLAN_COUNT_CAP;
  const exact = options.exact === true;
  const newest = await prisma.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  const upToId = newest?.id ?? 0n;
  const [count, excludedShadows, sample] = await Promise.all([
    prisma.auditEvent.count({
      where: submissionsWhere(filter, upToId, "primary"),
      ...(exact ? {} : { take: cap + 1 }),
    }),
    exact ? prisma.auditEvent.count({ where: submissionsWhere(filter, upToId, "shadow") }) : null,
    prisma.auditEvent.findMany({
      where: submissionsWhere(filter, upToId, "primary"),
      orderBy: { id: "asc" },
      take: 20,
      select: { subjectId: true },
    }),
  ]);
  return {
    count: exact ? count : Math.min(count, cap),
    excludedShadows,
    exact: exact || count <= cap,
    upToId,
    sampleSubjectIds: sample.map((s) => s.subjectId),
  };
}

export interface BulkResubmitDeps {
  prisma: PrismaClient;
  queues: SystemQueues;
  logger: Logger;
}

export interface BulkResubmitRequest {
  filter: ResubmitFilter;
  /** From the dry run: the run takes the submissions up to this event, not later ones. */
  upToId: bigint;
  reason: string;
  actor: string;
  actorUserId?: string;
  /** Submissions per batch and progress update (1–1000). @defaultValue 100 */
  batchSize?: number;
}

/**
 * Records a bulk re-submission as a background run (QUEUED, type BULK_RESUBMIT, audited as
 * `bulk_resubmit.start`) and hands it to the workers; returns at once. A worker re-submits each
 * selected primary submission with the key `bulk:<run>:<event>`, so a resumed or taken-over run
 * never makes a second order for an event already handled. One bulk re-submission at a time.
 * @throws DomainError REASON_REQUIRED; RUN_IN_PROGRESS when one is queued or running already
 * @throws RangeError for a batch size outside 1–1000
 */
export async function startBulkResubmit(
  deps: BulkResubmitDeps,
  input: BulkResubmitRequest,
): Promise<BackgroundRun> {
  assertReason(input.reason);
  const batchSize = input.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
    throw new RangeError(`batchSize must be an integer from 1 to 1000 (got ${batchSize})`);
  }
  const [total, excludedShadows] = await Promise.all([
    deps.prisma.auditEvent.count({ where: submissionsWhere(input.filter, input.upToId, "primary") }),
    deps.prisma.auditEvent.count({ where: submissionsWhere(input.filter, input.upToId, "shadow") }),
  ]);
  const filter = storeBulkFilter(input.filter, input.upToId, batchSize, input.actorUserId);
  const run = await insertQueuedRun(deps.prisma, {
    type: "BULK_RESUBMIT",
    filter,
    plan: { count: total, excludedShadows },
    total,
    actor: input.actor,
    ...(input.actorUserId ? { actorUserId: input.actorUserId } : {}),
    reason: input.reason.trim(),
    auditAfter: { filter, excludedShadows },
  });
  await enqueueRun(deps.queues.runs, run.id, deps.logger);
  deps.logger.info({ runId: run.id, total, excludedShadows }, "bulk resubmission queued");
  return run;
}

/**
 * Continues a FAILED bulk run from its cursor (QUEUED again, audited as `bulk_resubmit.resume`),
 * or gives an active one whose job went missing its job back. A finished run is returned as is.
 * @throws DomainError MIGRATION_RUN_NOT_FOUND; RUN_IN_PROGRESS when another one is active
 */
export async function resumeBulkResubmit(
  deps: BulkResubmitDeps,
  runId: string,
  by: { actor: string; actorUserId?: string },
): Promise<BackgroundRun> {
  const run = await findRun(deps.prisma, runId, "BULK_RESUBMIT");
  const reopened = await reopenFailedRun(deps.prisma, run, { ...by, reason: run.reason });
  if (reopened.status === "QUEUED" || reopened.status === "RUNNING")
    await ensureRunJob(deps.queues.runs, runId);
  return reopened;
}
