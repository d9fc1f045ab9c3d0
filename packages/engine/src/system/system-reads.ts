import {
  isLegacyTerminalStatus,
  isTerminalState,
  LEGACY_STATUSES,
  type LegacyStatus,
  WORK_ORDER_STATES,
  type WorkOrderState,
} from "@qmc/core";
import type { PrismaClient, WorkerHeartbeat } from "@qmc/db";
import type { SystemQueues } from "../queues/system-queues.ts";
import { inStates } from "../work-orders/state-filter.ts";

/** New-system states an order can still leave: the ones a depth counts. */
export const OPEN_STATES = WORK_ORDER_STATES.filter((s) => !isTerminalState(s)) as Array<
  Exclude<WorkOrderState, "COMPLETED" | "FAILED" | "CANCELLED">
>;
export type OpenState = (typeof OPEN_STATES)[number];

/** Legacy statuses an order can still leave (queued, building, running). */
export const OPEN_LEGACY_STATUSES = LEGACY_STATUSES.filter((s) => !isLegacyTerminalStatus(s)) as Array<
  Exclude<LegacyStatus, "completed" | "failed">
>;
export type OpenLegacyStatus = (typeof OPEN_LEGACY_STATUSES)[number];

const JOB_STATES = ["waiting", "prioritized", "delayed", "active"] as const;

/** What waits and runs right now, in each system's queue and in Postgres. */
export interface QueueDepthsNow {
  /** Jobs per BullMQ state (waiting, prioritized, delayed, active) of each system's queue. */
  jobs: { LEGACY: Record<string, number>; NEW: Record<string, number> };
  /**
   * Primary orders not finished yet, per state (every open state present, 0 when none); legacy
   * orders moved by the in-flight migration are left out (they live on in the new system).
   * Finished orders are not counted here: the rollups count them per window (comparison.stats).
   */
  orders: { NEW: Record<OpenState, number>; LEGACY: Record<OpenLegacyStatus, number> };
}

const zeroes = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

/**
 * Queue depths for the dashboards, polled every 1.5 s per open tab: two Redis round trips and two
 * counts over open states only. The open orders' indexes (`WorkOrder_open_createdAt_idx`,
 * `LegacyWorkOrder(status, …)`) reach the open rows without touching the finished ones, so the
 * cost follows the backlog, not the history.
 */
export async function readQueueDepthsNow(deps: {
  prisma: PrismaClient;
  queues: Pick<SystemQueues, "legacy" | "newSystem">;
}): Promise<QueueDepthsNow> {
  const { prisma, queues } = deps;
  const [legacyJobs, newJobs, newStates, legacyStatuses] = await Promise.all([
    queues.legacy.getJobCounts(...JOB_STATES),
    queues.newSystem.getJobCounts(...JOB_STATES),
    prisma.workOrder.groupBy({
      by: ["state"],
      where: { ...inStates(OPEN_STATES), role: "PRIMARY" },
      _count: true,
    }),
    prisma.legacyWorkOrder.groupBy({
      by: ["status"],
      where: { status: { in: OPEN_LEGACY_STATUSES }, migratedAt: null },
      _count: true,
    }),
  ]);
  const NEW = zeroes(OPEN_STATES);
  for (const g of newStates) NEW[g.state as OpenState] = g._count;
  const LEGACY = zeroes(OPEN_LEGACY_STATUSES);
  for (const g of legacyStatuses) LEGACY[g.status as OpenLegacyStatus] = g._count;
  return { jobs: { LEGACY: legacyJobs, NEW: newJobs }, orders: { NEW, LEGACY } };
}

export interface WorkerLiveness extends WorkerHeartbeat {
  /** Beat within the stale limit and not stopped. */
  alive: boolean;
}

/**
 * Every worker that reported (at most 200, latest beat first) with whether it is alive. Bounded:
 * heartbeat rows are one per worker and pruned once stopped or silent (pruneWorkerHeartbeats).
 */
export async function readWorkerLiveness(
  prisma: PrismaClient,
  options: { staleAfterMs: number; now?: Date },
): Promise<WorkerLiveness[]> {
  const rows = await prisma.workerHeartbeat.findMany({ orderBy: { lastSeenAt: "desc" }, take: 200 });
  const staleBefore = (options.now ?? new Date()).getTime() - options.staleAfterMs;
  return rows.map((w) => ({ ...w, alive: w.stoppedAt === null && w.lastSeenAt.getTime() > staleBefore }));
}
