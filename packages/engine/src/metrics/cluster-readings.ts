import type { PrismaClient } from "@qmc/db";
import type { Queue } from "bullmq";
import type { WorkerReading } from "./worker-sample-store.ts";

const JOB_STATES = ["wait", "prioritized", "delayed", "active"] as const;

export interface QueueDepthReading {
  system: "LEGACY" | "NEW";
  state: (typeof JOB_STATES)[number];
  count: number;
}

/** Jobs per BullMQ state of each system's queue: one Redis round trip per queue. */
export async function readQueueDepths(queues: {
  legacy: Queue;
  newSystem: Queue;
}): Promise<QueueDepthReading[]> {
  const [legacy, newSystem] = await Promise.all([
    queues.legacy.getJobCounts(...JOB_STATES),
    queues.newSystem.getJobCounts(...JOB_STATES),
  ]);
  return (
    [
      ["LEGACY", legacy],
      ["NEW", newSystem],
    ] as const
  ).flatMap(([system, counts]) => JOB_STATES.map((state) => ({ system, state, count: counts[state] ?? 0 })));
}

export interface OpenOrdersReading {
  system: "LEGACY" | "NEW";
  role: string;
  /** New-system state names; legacy statuses mapped (queued → PENDING, building → PREPARING, …). */
  state: string;
  count: number;
}

/**
 * Orders not yet terminal, per system, role and state. Reads only the open part of each table
 * through its open-orders index, never the (large) terminal part: finished orders are counted by the
 * rollups instead.
 */
export async function readOpenOrders(prisma: PrismaClient): Promise<OpenOrdersReading[]> {
  const rows = await prisma.$queryRaw<
    Array<{ system: "LEGACY" | "NEW"; role: string; state: string; n: bigint }>
  >`
    SELECT 'NEW' AS system, "role"::text AS role, "state"::text AS state, count(*) AS n FROM "WorkOrder"
      WHERE "terminalState" IS NULL GROUP BY "role", "state"
    UNION ALL
    SELECT 'LEGACY', 'PRIMARY', CASE "status" WHEN 'queued' THEN 'PENDING' WHEN 'building' THEN 'PREPARING'
      ELSE 'RUNNING' END, count(*) FROM "LegacyWorkOrder"
      WHERE "status" IN ('queued', 'building', 'running') AND "migratedAt" IS NULL GROUP BY "status"`;
  return rows.map((r) => ({ system: r.system, role: r.role, state: r.state, count: Number(r.n) }));
}

/** Open gate decisions (alerts and pauses not yet acknowledged or resolved) per threshold metric. */
export async function readOpenAlerts(
  prisma: PrismaClient,
): Promise<Array<{ metric: string; count: number }>> {
  const rows = await prisma.gateDecision.groupBy({
    by: ["metric"],
    where: { status: "OPEN" },
    _count: { _all: true },
  });
  return rows.map((r) => ({ metric: r.metric, count: r._count._all }));
}

/** Live workers as their last heartbeat tells (the web endpoint's view of the fleet). */
export async function readLiveWorkers(prisma: PrismaClient, staleAfterMs: number): Promise<WorkerReading[]> {
  return prisma.workerHeartbeat.findMany({
    where: { stoppedAt: null, lastSeenAt: { gte: new Date(Date.now() - staleAfterMs) } },
    select: {
      workerId: true,
      memoryUsedRatio: true,
      slotsTotal: true,
      slotsInUse: true,
      concurrencyLimit: true,
    },
    orderBy: { workerId: "asc" },
    take: 1_000,
  });
}

/** A value read at most once per `ttlMs` (concurrent callers share the read in flight). */
export class CachedReading<T> {
  private value: { at: number; data: T } | null = null;
  private inFlight: Promise<T> | null = null;

  constructor(
    private readonly ttlMs: number,
    private readonly read: () => Promise<T>,
  ) {}

  get(now = Date.now()): Promise<T> {
    if (this.value && now - this.value.at < this.ttlMs) return Promise.resolve(this.value.data);
    this.inFlight ??= this.read()
      .then((data) => {
        this.value = { at: Date.now(), data };
        return data;
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }
}
