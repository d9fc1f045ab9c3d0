import type { PrismaClient } from "@qmc/db";
import { readRollupWindow } from "@qmc/engine/metrics";
import type { Caller } from "./bench-api.ts";

/** Rows of the seeded database that some reads take as input (an order, a decision, a run). */
export interface SeededIds {
  workOrderId: string;
  decisionId: string;
  runningRunId: string;
  userId: string;
}

export interface DashboardRead {
  /**
   * The tRPC procedure measured ("router.procedure"), or null for a read that is not one (the
   * guard's window). dashboard-reads.test.ts checks that every query the console calls is here.
   */
  procedure: string | null;
  label: string;
  read(caller: Caller, prisma: PrismaClient, ids: SeededIds): Promise<unknown>;
}

const MINUTE = 60_000;
const ago = (ms: number) => ({ from: new Date(Date.now() - ms), to: new Date() });

/** Builds one entry; the label defaults to the procedure. */
const read = (procedure: string | null, label: string, run: DashboardRead["read"]): DashboardRead => ({
  procedure,
  label: label || (procedure ?? ""),
  read: run,
});

/**
 * Every read a console page makes (prefetched on the server, then polled by its widgets), with the
 * inputs the pages send (page sizes, windows, filters). Reads in the same order as the pages.
 */
export const DASHBOARD_READS: DashboardRead[] = [
  // Every page: the top bar and the signed-in user.
  read("rollout.get", "", (c) => c.rollout.get()),
  read("auth.me", "", (c) => c.auth.me()),
  // Overview and Comparison.
  read("health.phase", "", (c) => c.health.phase()),
  read("system.queueDepths", "", (c) => c.system.queueDepths()),
  read("system.workers", "", (c) => c.system.workers()),
  read("comparison.stats", "comparison.stats 1h", (c) => c.comparison.stats(ago(60 * MINUTE))),
  read("comparison.stats", "comparison.stats 24h", (c) => c.comparison.stats(ago(1440 * MINUTE))),
  read("comparison.stats", "comparison.stats 7d", (c) => c.comparison.stats(ago(7 * 1440 * MINUTE))),
  read("comparison.stats", "comparison.stats 30d", (c) => c.comparison.stats(ago(30 * 1440 * MINUTE))),
  read("comparison.mismatches", "", (c) => c.comparison.mismatches({ limit: 50 })),
  read("health.timeSeries", "health.timeSeries 15m", (c) => c.health.timeSeries({ window: "15m" })),
  read("health.timeSeries", "health.timeSeries 1h", (c) => c.health.timeSeries({ window: "1h" })),
  read("health.timeSeries", "health.timeSeries 6h", (c) => c.health.timeSeries({ window: "6h" })),
  read("health.timeSeries", "health.timeSeries 24h", (c) => c.health.timeSeries({ window: "24h" })),
  read("health.timeSeries", "health.timeSeries 7d", (c) => c.health.timeSeries({ window: "7d" })),
  // Health.
  read(null, "guard window (readRollupWindow 5 min)", (_, p) =>
    readRollupWindow(p, ago(5 * MINUTE).from, new Date()),
  ),
  read("guard.thresholds", "", (c) => c.guard.thresholds()),
  read("guard.alerts", "guard.alerts first page", (c) => c.guard.alerts({ limit: 20 })),
  read("guard.alerts", "guard.alerts chart markers (100)", (c) => c.guard.alerts({ limit: 100 })),
  read("guard.alerts", "guard.alerts open + acknowledged", (c) =>
    c.guard.alerts({ status: ["OPEN", "ACKNOWLEDGED"], limit: 50 }),
  ),
  read("guard.decision", "", (c, _, ids) => c.guard.decision({ id: ids.decisionId })),
  // Rollout.
  read("rollout.history", "rollout.history 50", (c) => c.rollout.history({ limit: 50 })),
  read("rollout.history", "rollout.history 200 (chart)", (c) => c.rollout.history({ limit: 200 })),
  read("rollout.preview", "rollout.preview last 1,000", (c) =>
    c.rollout.preview({ useNewQueueSystem: true, newQueueRolloutPercent: 50, lastN: 1_000 }),
  ),
  // Migration.
  read("migration.plan", "migration.plan sample 20", (c) => c.migration.plan({ sampleSize: 20 })),
  read("migration.runs", "migration.runs 5", (c) =>
    c.migration.runs({ type: "IN_FLIGHT_MIGRATION", limit: 5 }),
  ),
  read("migration.status", "migration.status (running)", (c, _, ids) =>
    c.migration.status({ runId: ids.runningRunId }),
  ),
  read("migration.retirementCheck", "", (c) => c.migration.retirementCheck()),
  // Work orders: the first page, with each filter the list offers.
  read("workOrders.find", "workOrders.find NEW", (c) => c.workOrders.find({ system: "NEW", limit: 25 })),
  read("workOrders.find", "workOrders.find NEW state FAILED", (c) =>
    c.workOrders.find({ system: "NEW", state: "FAILED", limit: 25 }),
  ),
  read("workOrders.find", "workOrders.find NEW state CANCELLED (none)", (c) =>
    c.workOrders.find({ system: "NEW", state: "CANCELLED", limit: 25 }),
  ),
  read("workOrders.find", "workOrders.find NEW role SHADOW", (c) =>
    c.workOrders.find({ system: "NEW", role: "SHADOW", limit: 25 }),
  ),
  read("workOrders.find", "workOrders.find NEW kind (none)", (c) =>
    c.workOrders.find({ system: "NEW", kind: "no-such-kind", limit: 25 }),
  ),
  read("workOrders.find", "workOrders.find LEGACY", (c) =>
    c.workOrders.find({ system: "LEGACY", limit: 25 }),
  ),
  read("workOrders.find", "workOrders.find LEGACY state failed", (c) =>
    c.workOrders.find({ system: "LEGACY", state: "failed", limit: 25 }),
  ),
  read("workOrders.get", "", (c, _, ids) => c.workOrders.get({ id: ids.workOrderId })),
  // Audit: the first page, with each filter.
  read("audit.find", "audit.find", (c) => c.audit.find({ limit: 50 })),
  read("audit.find", "audit.find action (rare)", (c) => c.audit.find({ action: "config.change", limit: 50 })),
  read("audit.find", "audit.find actor (rare)", (c) =>
    c.audit.find({ actor: "operator@example.com", limit: 50 }),
  ),
  read("audit.find", "audit.find subject", (c, _, ids) =>
    c.audit.find({ subjectId: ids.workOrderId, limit: 50 }),
  ),
  // The standing dry run the Audit page refreshes (counts capped past 1,000).
  read("audit.bulkResubmitPlan", "audit.bulkResubmitPlan (every submission)", (c) =>
    c.audit.bulkResubmitPlan({}),
  ),
  read("audit.bulkResubmitPlan", "audit.bulkResubmitPlan last hour", (c) =>
    c.audit.bulkResubmitPlan({ from: ago(60 * MINUTE).from }),
  ),
  read("migration.runs", "migration.runs bulk (latest)", (c) =>
    c.migration.runs({ type: "BULK_RESUBMIT", limit: 1 }),
  ),
  // Users and tokens.
  read("auth.tokenScopes", "", (c) => c.auth.tokenScopes()),
  read("auth.tokens", "", (c) => c.auth.tokens()),
  read("users.list", "", (c) => c.users.list()),
  read("users.sessions", "", (c, _, ids) => c.users.sessions({ userId: ids.userId })),
  read("users.tokens", "", (c, _, ids) => c.users.tokens({ userId: ids.userId })),
];

/** Finds the rows the reads above take as input. */
export async function seededIds(prisma: PrismaClient): Promise<SeededIds> {
  const [decision, run] = await Promise.all([
    prisma.gateDecision.findFirst({ orderBy: { at: "desc" }, select: { id: true } }),
    prisma.backgroundRun.findFirst({ where: { status: "RUNNING" }, select: { id: true } }),
  ]);
  if (!decision || !run)
    throw new Error(
      "The bench database lacks a gate decision or a running migration: npm run bench:seed -w @qmc/bench",
    );
  return {
    workOrderId: "bench-999999",
    decisionId: decision.id,
    runningRunId: run.id,
    // No account is seeded: the users' lists are bounded by accounts, not by history.
    userId: "00000000-0000-4000-8000-000000000000",
  };
}
